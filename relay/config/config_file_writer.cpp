#include "config/config_file_writer.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

namespace parley::relay::config {

namespace {

std::string directory_of(const std::string& path) {
    const auto slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

std::string errno_text() { return std::strerror(errno); }

bool write_all(int fd, const std::string& text) {
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        done += static_cast<std::size_t>(n);
    }
    return true;
}

std::optional<std::string> read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) return std::nullopt;
    return text.str();
}

}  // namespace

std::string previous_path(const std::string& path) { return path + ".previous"; }

std::string replace_file_atomically(const std::string& path, const std::string& text) {
    const std::string dir = directory_of(path);
    std::string name = path + ".tmp-XXXXXX";
    std::vector<char> buf(name.begin(), name.end());
    buf.push_back('\0');
    const int fd = ::mkstemp(buf.data());
    if (fd < 0) return "cannot create a file in " + dir + ": " + errno_text();
    const std::string tmp(buf.data());
    auto fail = [&](const std::string& what) {
        const std::string why = what + ": " + errno_text();
        ::close(fd);
        ::unlink(tmp.c_str());
        return why;
    };
    // The file keeps its permission bits (an operator's 0640 stays 0640); a new one is 0600.
    struct stat st {};
    const mode_t mode = ::stat(path.c_str(), &st) == 0 ? (st.st_mode & 07777) : 0600;
    if (::fchmod(fd, mode) != 0) return fail("cannot set the mode of " + tmp);
    if (!write_all(fd, text)) return fail("cannot write " + tmp);
    if (::fsync(fd) != 0) return fail("cannot sync " + tmp);
    if (::close(fd) != 0) {
        const std::string why = "cannot close " + tmp + ": " + errno_text();
        ::unlink(tmp.c_str());
        return why;
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        const std::string why = "cannot rename " + tmp + " to " + path + ": " + errno_text();
        ::unlink(tmp.c_str());
        return why;
    }
    // The rename is a change of the directory: synced, or a power cut may undo it.
    const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
    if (dfd < 0) return "cannot open " + dir + " to sync it: " + errno_text();
    const bool synced = ::fsync(dfd) == 0;
    const std::string why = synced ? "" : "cannot sync " + dir + ": " + errno_text();
    ::close(dfd);
    return why;
}

std::string write_config_file(const std::string& path, const std::string& text) {
    if (auto current = read_text(path))
        if (std::string why = replace_file_atomically(previous_path(path), *current); !why.empty())
            return "cannot keep the previous version: " + why;
    return replace_file_atomically(path, text);
}

std::optional<std::string> read_previous_config(const std::string& path) { return read_text(previous_path(path)); }

}  // namespace parley::relay::config
