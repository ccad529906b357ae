// AttachmentService: files in conversations (issue 17, docs/attachments.md), over HTTP
// on the relay's port. An HttpRequest in, an HttpResponse out (net/http_message.hpp);
// the blocking file work runs on a JobRunner, and its answer is deferred until done.
//
// Theory of operation
// -------------------
//   POST /attachments?conv=c_…&name=photo.png   the body is the file's bytes
//     1. the bearer token (a visitor's, or an agent's session) may write to the
//        conversation (Hub::attachment_access, ConvAct::send): else 401 / 404 / 403
//     2. the body is 1 byte to --attachment-max-bytes (the exchange refuses a larger
//        one by its Content-Length with 413 before reading it)
//     3. its type, read from its first bytes, is on the allow-list
//        (attachments/file_type.hpp): else 415; the name and Content-Type sent are
//        never trusted
//     4. a visitor is within --attachment-quota-bytes a day (agents are not counted):
//        else 429 with Retry-After
//     5. the data directory's disk keeps --attachment-min-free-bytes free after the file:
//        else 507. Files must never fill the disk the conversations are committed to
//        (a full disk fails every commit, and nothing may be lost); the check is one
//        statvfs, and the floor leaves room for the files already being written.
//     6. a random id (att_ + 32 hex); the file is sealed (with a data key), written and
//        synced on the worker; then its record is stored (Store::put_attachment) and
//        201 answers {id, conversation, name, mime, size}
//   GET /attachments/att_…
//     the token may read the conversation's history (ConvAct::history); anyone else
//     gets 404, the same as for a file that does not exist (no probing for ids). The
//     file is read and opened on the worker; 200 with its sniffed type, Content-
//     Disposition: attachment (a browser never renders it as a page of the relay's
//     origin), nosniff, and a sandboxing Content-Security-Policy.
// Errors are the API's problem documents (api/problem.hpp, docs/api.md "Errors").
//
// A file becomes part of a message when its uploader sends a `file` part naming it
// (core/rich_parts.hpp, Hub::file_parts_ok). Files are deleted with their conversation
// (erasure, retention); an upload never sent stays until then.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "attachments/attachment_files.hpp"
#include "attachments/file_worker.hpp"
#include "core/hub.hpp"
#include "core/quotas.hpp"
#include "core/random_source.hpp"
#include "net/http_message.hpp"
#include "store/data_dir_check.hpp"
#include "store/store.hpp"

namespace parley::relay::attachments {

struct AttachmentLimits {
    std::size_t max_bytes = 10 * 1024 * 1024;         // one file (--attachment-max-bytes)
    std::int64_t visitor_bytes_per_day = 50'000'000;   // one visitor's uploads (0: none)
    std::size_t max_name_bytes = 200;                  // a file name, cut on a UTF-8 boundary
    std::int64_t min_free_bytes = 1LL << 30;           // kept free on the data dir's disk (0: no floor)
};

// How the free space of the files' disk is read (store/data_dir_check.hpp's
// free_bytes_of; a test passes its own).
using FreeSpace = std::function<std::optional<std::int64_t>(const std::string& dir)>;

class AttachmentService {
public:
    // All outlive the service; `files` is used only from `jobs`.
    AttachmentService(Store& store, Hub& hub, AttachmentFiles& files, JobRunner& jobs, RandomSource& random,
                      AttachmentLimits limits, FreeSpace free_space = free_bytes_of);

    HttpResponse handle(const HttpRequest& request, std::int64_t now);
    // A config reload: the file size limit and the visitor's daily bytes from the next
    // upload (what visitors uploaded today stays counted).
    void set_limits(const AttachmentLimits& limits) {
        limits_ = limits;
        visitor_bytes_.set_limit(limits.visitor_bytes_per_day);
    }

    static constexpr const char* kPrefix = "/attachments";

    // What the uploader called the file, safe to store and to put in a header: its last
    // path segment, control bytes and quotes dropped, cut to max_bytes; "file" if
    // nothing is left.
    static std::string clean_name(const std::string& name, std::size_t max_bytes);

private:
    HttpResponse upload(const HttpRequest& request, std::int64_t now);
    HttpResponse download(const HttpRequest& request, const std::string& id, std::int64_t now);

    Store& store_;
    Hub& hub_;
    AttachmentFiles& files_;
    JobRunner& jobs_;
    RandomSource& random_;
    AttachmentLimits limits_;
    FreeSpace free_space_;
    QuotaWindow visitor_bytes_;
};

}  // namespace parley::relay::attachments
