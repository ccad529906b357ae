#include "attachments/attachment_files.hpp"

#include "core/rich_parts.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace parley::relay::attachments {

namespace fs = std::filesystem;

namespace {

std::string binding_of(const std::string& id) { return "attachment:" + id; }

Error file_error(const std::string& what, const std::string& path) {
    return storage_error(what + " " + path + ": " + std::strerror(errno));
}

bool write_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        const ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

// Only ids as the relay makes them name a file (no "/", no ".."): core/rich_parts.hpp.
bool well_formed(const std::string& id) { return rich::is_attachment_id(id); }

}  // namespace

AttachmentFiles::AttachmentFiles(std::string dir, ColumnSealer sealer) : dir_(std::move(dir)), sealer_(std::move(sealer)) {}

std::string AttachmentFiles::dir_of(const std::string& data_dir) { return (fs::path(data_dir) / "attachments").string(); }

std::string AttachmentFiles::path_of(const std::string& id) const { return (fs::path(dir_) / id).string(); }

Status AttachmentFiles::write(const std::string& id, std::string_view content) {
    if (!well_formed(id)) return storage_error("not an attachment id: " + id);
    std::error_code ec;
    if (!fs::exists(dir_, ec)) {
        fs::create_directories(dir_, ec);
        if (ec) return storage_error("cannot create " + dir_ + ": " + ec.message());
        fs::permissions(dir_, fs::perms::owner_all, ec);
    }
    std::string stored;
    if (auto sealed = sealer_.seal(content, binding_of(id))) {
        stored.reserve(sealed->size() + 1);
        stored += 'S';
        stored += *sealed;
    } else {
        stored.reserve(content.size() + 1);
        stored += 'P';
        stored.append(content);
    }
    const std::string path = path_of(id);
    const std::string tmp = path + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return file_error("cannot write", tmp);
    const bool written = write_all(fd, stored) && ::fsync(fd) == 0;
    ::close(fd);
    if (!written) {
        Error e = file_error("cannot write", tmp);
        ::unlink(tmp.c_str());
        return e;
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) return file_error("cannot rename to", path);
    // The rename itself is durable once the directory is synced.
    const int dir_fd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd < 0) return file_error("cannot open", dir_);
    const bool synced = ::fsync(dir_fd) == 0;
    ::close(dir_fd);
    if (!synced) return file_error("cannot sync", dir_);
    return Ok{};
}

Result<std::string> AttachmentFiles::read(const std::string& id) const {
    if (!well_formed(id)) return storage_error("not an attachment id: " + id);
    const std::string path = path_of(id);
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return file_error("cannot read", path);
    std::string stored;
    struct stat st {};
    if (::fstat(fd, &st) == 0 && st.st_size > 0) stored.reserve(static_cast<std::size_t>(st.st_size));
    char buf[65536];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
        if (n > 0) stored.append(buf, static_cast<std::size_t>(n));
    const bool failed = n < 0;
    ::close(fd);
    if (failed) return file_error("cannot read", path);
    if (stored.empty() || (stored[0] != 'P' && stored[0] != 'S'))
        return storage_error("attachment file " + path + " is damaged (no format byte)");
    if (stored[0] == 'P') return stored.substr(1);
    return sealer_.open(std::string_view(stored).substr(1), true, binding_of(id));
}

void AttachmentFiles::remove(const std::string& dir, const std::vector<std::string>& ids) {
    for (const std::string& id : ids)
        if (well_formed(id)) ::unlink((fs::path(dir) / id).string().c_str());
}

}  // namespace parley::relay::attachments
