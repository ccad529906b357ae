#include "auth/visitor_key_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "auth/base64url.hpp"
#include "auth/visitor_token.hpp"

namespace parley::relay {

namespace {

namespace fs = std::filesystem;

constexpr const char* kLegacySetting = "visitor_token_secret";

Error file_error(const std::string& what, const std::string& path) {
    return storage_error(what + " " + path + ": " + std::strerror(errno));
}

// Writes `text` to `path` so that a crash leaves the old file or the new one, never half
// of either: a 0600 temporary beside it, fsync, rename, fsync of the directory.
Status write_atomically(const std::string& path, const std::string& text) {
    const fs::path dir = fs::path(path).parent_path().empty() ? fs::path(".") : fs::path(path).parent_path();
    std::error_code ec;
    if (!fs::exists(dir, ec)) {
        fs::create_directories(dir, ec);
        if (ec) return storage_error("cannot create " + dir.string() + ": " + ec.message());
        fs::permissions(dir, fs::perms::owner_all, ec);  // keys/: the relay's user alone
    }
    const std::string tmp = path + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return file_error("cannot write", tmp);
    ::fchmod(fd, 0600);  // O_CREAT's mode does not apply to a file left by a crash
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            Error e = file_error("cannot write", tmp);
            ::close(fd);
            return e;
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0) {
        Error e = file_error("cannot sync", tmp);
        ::close(fd);
        return e;
    }
    ::close(fd);
    if (::rename(tmp.c_str(), path.c_str()) != 0) return file_error("cannot rename to", path);
    const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
    return Ok{};
}

// The file's text; nullopt when it does not exist.
Result<std::optional<std::string>> read_key_file(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        if (errno == ENOENT) return std::optional<std::string>{};
        return file_error("cannot read visitor key file", path);
    }
    if ((st.st_mode & 077) != 0) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
        return storage_error("visitor key file " + path + " is readable by others (mode " + mode +
                             "): chmod 600 it, and rotate the key if others may have read it");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) return file_error("cannot read visitor key file", path);
    std::stringstream text;
    text << in.rdbuf();
    return std::optional<std::string>{text.str()};
}

// The secret an older relay kept in the settings, if any ("" once moved).
Result<std::optional<std::string>> legacy_secret(Store& store) {
    auto stored = store.get_setting(kLegacySetting);
    if (!stored) return stored.error();
    if (!stored.value() || stored.value()->empty()) return std::optional<std::string>{};
    auto secret = base64url_decode(*stored.value());
    if (!secret || secret->size() < VisitorKeyRing::kSecretBytes)
        return storage_error(std::string("setting ") + kLegacySetting + " is malformed");
    return std::optional<std::string>{*secret};
}

std::string fresh_secret(RandomSource& random) {
    std::string secret(VisitorKeyRing::kSecretBytes, '\0');
    random.fill(reinterpret_cast<unsigned char*>(secret.data()), secret.size());
    return secret;
}

void add_note(std::string& note, const std::string& more) { note += (note.empty() ? "" : "; ") + more; }

}  // namespace

std::string default_visitor_key_path(const std::string& data_dir) {
    return (fs::path(data_dir) / "keys" / "visitor-token.key").string();
}

Result<VisitorKeys> load_or_create_visitor_keys(const std::string& path, Store& store, RandomSource& random,
                                                std::int64_t now) {
    auto text = read_key_file(path);
    if (!text) return text.error();
    auto legacy = legacy_secret(store);
    if (!legacy) return legacy.error();

    VisitorKeys out;
    bool write = false;
    if (text.value()) {
        auto ring = VisitorKeyRing::parse(*text.value());
        if (!ring) return storage_error(path + ": " + ring.error().detail);
        out.ring = std::move(ring).value();
    } else if (legacy.value()) {
        out.ring = VisitorKeyRing::single(*legacy.value(), now, /*legacy=*/true);
        out.note = "visitor token secret moved from the database to " + path;
        write = true;
    } else {
        out.ring = VisitorKeyRing::single(fresh_secret(random), now);
        out.note = "visitor token key created in " + path;
        write = true;
    }
    if (const std::size_t pruned = out.ring.prune(now, kVisitorTokenTtlMs)) {
        add_note(out.note, "pruned " + std::to_string(pruned) + " visitor token key(s) older than the token lifetime");
        write = true;
    }
    if (write)
        if (Status s = write_atomically(path, out.ring.format()); !s) return s.error();
    // Only once the file holds it: a crash before this line finds the file next time.
    if (legacy.value()) {
        if (Status s = store.put_setting(kLegacySetting, ""); !s) return s.error();
        if (text.value()) add_note(out.note, "removed a stale visitor token secret from the database");
    }
    return out;
}

Result<VisitorKeys> rotate_visitor_key(const std::string& path, Store& store, RandomSource& random,
                                       std::int64_t now) {
    auto loaded = load_or_create_visitor_keys(path, store, random, now);
    if (!loaded) return loaded.error();
    VisitorKeys out = std::move(loaded).value();
    out.ring.rotate(fresh_secret(random), now);
    add_note(out.note, "visitor token key " + std::to_string(out.ring.signing().id) + " now signs; " +
                           std::to_string(out.ring.keys().size() - 1) + " older key(s) still verify");
    if (Status s = write_atomically(path, out.ring.format()); !s) return s.error();
    return out;
}

}  // namespace parley::relay
