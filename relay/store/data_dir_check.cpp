#include "store/data_dir_check.hpp"

#include <sys/statvfs.h>

#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace parley::relay {

namespace {

std::string relay_user() {
    const uid_t uid = ::geteuid();
    const passwd* pw = ::getpwuid(uid);
    return "uid " + std::to_string(uid) + (pw && pw->pw_name ? " (" + std::string(pw->pw_name) + ")" : "");
}

std::string advice(int err, const std::string& dir) {
    if (err == EROFS)
        return dir + " is on a read-only file system (under systemd with ProtectSystem=strict only the "
                     "StateDirectory, /var/lib/parley, is writable): pass --data-dir on a writable one";
    return "give it to the relay's user, " + relay_user() + " (install -d -m 0700 -o USER " + dir +
           "), or pass --data-dir";
}

}  // namespace

std::optional<std::string> prepare_data_dir(const std::string& dir) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::file_status st = fs::status(dir, ec);
    if (fs::exists(st) && !fs::is_directory(st))
        return "the data directory " + dir + " is not a directory: pass --data-dir with a directory";
    if (!fs::exists(st)) {
        fs::create_directories(dir, ec);
        if (ec) return "cannot create the data directory " + dir + " (" + ec.message() + "): " + advice(ec.value(), dir);
    }
    if (::access(dir.c_str(), W_OK | X_OK) != 0) {
        const int err = errno;
        return "the data directory " + dir + " is not writable (" + std::strerror(err) + "): " + advice(err, dir);
    }
    return std::nullopt;
}

std::optional<std::int64_t> free_bytes_of(const std::string& dir) {
    struct statvfs fs {};
    if (::statvfs(dir.c_str(), &fs) != 0 && ::statvfs(std::filesystem::path(dir).parent_path().c_str(), &fs) != 0)
        return std::nullopt;
    return static_cast<std::int64_t>(fs.f_bavail) * static_cast<std::int64_t>(fs.f_frsize);
}

}  // namespace parley::relay
