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
        // The holder wrote its pid in the file (below): name it, so the operator knows
        // which process to stop.
        char pid[24] = {};
        const ssize_t n = err == EWOULDBLOCK ? ::pread(fd, pid, sizeof pid - 1, 0) : 0;
        ::close(fd);
        std::string holder = "another parley-relay";
        if (n > 0 && std::strspn(pid, "0123456789") == std::strcspn(pid, "\n") && pid[0] != '\n')
            holder += " (pid " + std::string(pid, std::strcspn(pid, "\n")) + ")";
        if (err == EWOULDBLOCK)
            return storage_error(holder + " is using " + data_dir +
                                 "; stop it first, or give this one another --data-dir (one relay per data "
                                 "directory)");
        return storage_error("cannot lock " + path + ": " + std::strerror(err));
    }
    // Who holds it, for the message above (advisory: only read, never trusted).
    const std::string me = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, me.data(), me.size(), 0) != ssize_t(me.size())) {
        // Not fatal: the lock is what counts, the pid is a courtesy.
    }
    return DataDirLock(fd);
}

DataDirLock::~DataDirLock() {
    if (fd_ >= 0) ::close(fd_);  // closing the descriptor releases the flock
}

}  // namespace parley::relay
