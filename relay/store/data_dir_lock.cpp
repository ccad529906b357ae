#include "store/data_dir_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "store/store.hpp"

namespace parley::relay {

Result<DataDirLock> DataDirLock::acquire(const std::string& data_dir) {
    const std::string path = data_dir + "/relay.lock";
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return storage_error("cannot open " + path + ": " + std::strerror(errno));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        const int err = errno;
        ::close(fd);
        if (err == EWOULDBLOCK)
            return storage_error("another parley-relay is using " + data_dir + "; stop it first");
        return storage_error("cannot lock " + path + ": " + std::strerror(err));
    }
    return DataDirLock(fd);
}

DataDirLock::~DataDirLock() {
    if (fd_ >= 0) ::close(fd_);  // closing the descriptor releases the flock
}

}  // namespace parley::relay
