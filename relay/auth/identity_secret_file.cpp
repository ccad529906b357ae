#include "auth/identity_secret_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <sstream>

#include <sodium.h>

namespace parley::relay {

namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMinSecret = 32, kMaxSecret = 256;

Error file_error(const std::string& what, const std::string& path) {
    return storage_error(what + " " + path + ": " + std::strerror(errno));
}

bool secret_ok(const std::string& s) {
    if (s.size() < kMinSecret || s.size() > kMaxSecret) return false;
    for (char c : s)
        if (c <= ' ' || c > '~') return false;
    return true;
}

// A 0600 temporary beside the file, fsync, rename: a crash leaves the old or the new one.
Status write_secret_file(const std::string& path, const std::string& text) {
    const fs::path dir = fs::path(path).parent_path().empty() ? fs::path(".") : fs::path(path).parent_path();
    std::error_code ec;
    if (!fs::exists(dir, ec)) {
        fs::create_directories(dir, ec);
        if (ec) return storage_error("cannot create " + dir.string() + ": " + ec.message());
        fs::permissions(dir, fs::perms::owner_all, ec);
    }
    const std::string tmp = path + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return file_error("cannot write", tmp);
    ::fchmod(fd, 0600);
    const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                         ::fsync(fd) == 0;
    ::close(fd);
    if (!written) return file_error("cannot write", tmp);
    if (::rename(tmp.c_str(), path.c_str()) != 0) return file_error("cannot rename to", path);
    return Ok{};
}

}  // namespace

std::string default_identity_secret_path(const std::string& data_dir) {
    return (fs::path(data_dir) / "keys" / "identity.secret").string();
}

Result<std::vector<std::string>> read_identity_secrets(const std::string& path) {
    std::vector<std::string> secrets;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) return secrets;
        return file_error("cannot read identity secret file", path);
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || (st.st_mode & 077) != 0) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
        ::close(fd);
        return storage_error("identity secret file " + path + " is readable by others (mode " + mode +
                             "): chmod 600 it, and make a new secret if others may have read it");
    }
    char buf[1024];
    const ssize_t n = ::read(fd, buf, sizeof buf);
    ::close(fd);
    if (n < 0) return file_error("cannot read identity secret file", path);
    std::istringstream lines(std::string(buf, static_cast<std::size_t>(n)));
    std::string line;
    while (std::getline(lines, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) continue;
        if (!secret_ok(line) || secrets.size() == 2)
            return storage_error("identity secret file " + path +
                                 " must hold one or two lines of 32-256 printable characters "
                                 "(parley-relay --create-identity-secret)");
        secrets.push_back(line);
    }
    sodium_memzero(buf, sizeof buf);
    return secrets;
}

Result<std::string> create_identity_secret(const std::string& path, RandomSource& random) {
    auto old = read_identity_secrets(path);
    if (!old) return old.error();
    unsigned char bytes[32];
    random.fill(bytes, sizeof bytes);
    char hex[2 * sizeof bytes + 1];
    sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
    sodium_memzero(bytes, sizeof bytes);
    const std::string secret = hex;
    std::string text = secret + "\n";
    if (!old.value().empty()) text += old.value().front() + "\n";  // the previous one still verifies
    if (Status s = write_secret_file(path, text); !s) return s.error();
    return secret;
}

}  // namespace parley::relay
