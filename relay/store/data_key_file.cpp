#include "store/data_key_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <sodium.h>

namespace parley::relay {

namespace {

Error file_error(const std::string& what, const std::string& path) {
    return storage_error(what + " " + path + ": " + std::strerror(errno));
}

}  // namespace

Result<DataKey> generate_data_key_file(const std::string& path, RandomSource& random) {
    unsigned char bytes[DataKey::kBytes];
    random.fill(bytes, sizeof bytes);
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == EEXIST)
            return storage_error("data key file " + path + " exists; a data key is never overwritten");
        return file_error("cannot create data key file", path);
    }
    const bool written = ::write(fd, bytes, sizeof bytes) == static_cast<ssize_t>(sizeof bytes) && ::fsync(fd) == 0;
    ::close(fd);
    if (!written) {
        ::unlink(path.c_str());
        return file_error("cannot write data key file", path);
    }
    DataKey key = DataKey::from_bytes(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
    sodium_memzero(bytes, sizeof bytes);
    return key;
}

Result<DataKey> read_data_key_file(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return file_error("cannot read data key file", path);
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        Error e = file_error("cannot read data key file", path);
        ::close(fd);
        return e;
    }
    if ((st.st_mode & 077) != 0) {
        ::close(fd);
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
        return storage_error("data key file " + path + " is readable by others (mode " + mode + "): chmod 600 it");
    }
    unsigned char bytes[DataKey::kBytes + 1];
    const ssize_t n = ::read(fd, bytes, sizeof bytes);
    ::close(fd);
    if (n != static_cast<ssize_t>(DataKey::kBytes))
        return storage_error("data key file " + path + " must hold exactly 32 bytes (parley-relay --generate-data-key)");
    DataKey key = DataKey::from_bytes(std::string_view(reinterpret_cast<const char*>(bytes), DataKey::kBytes));
    sodium_memzero(bytes, sizeof bytes);
    return key;
}

}  // namespace parley::relay
