#include "attachments/attachment_service.hpp"

#include <cctype>
#include <memory>
#include <mutex>
#include <optional>

#include "api/problem.hpp"
#include "auth/agent_accounts.hpp"
#include "attachments/file_type.hpp"
#include "core/rich_parts.hpp"
#include "parley/json/value.hpp"

namespace parley::relay::attachments {

namespace p = protocol;
using api::problem;
using api::ProblemType;

namespace {

// What a job hands back to the loop: set on the worker, read on the loop.
template <typename T>
struct Outcome {
    std::mutex mutex;
    std::optional<Result<T>> result;
    std::optional<Result<T>> take() {
        std::lock_guard<std::mutex> lock(mutex);
        return std::move(result);
    }
    void set(Result<T> r) {
        std::lock_guard<std::mutex> lock(mutex);
        result = std::move(r);
    }
};

// The problem for a refused token or access. Downloads say 404 for every refusal, so a
// file's existence is not told to whoever may not read it.
HttpResponse refused(const Error& e, bool hide) {
    if (e.code == p::ErrorCode::storage_failed) return problem(ProblemType::unavailable, "the store could not be read; retry later");
    if (hide) return problem(ProblemType::not_found, "no such file");
    if (e.code == p::ErrorCode::bad_token) {
        HttpResponse r = problem(ProblemType::unauthorized, "send Authorization: Bearer with the chat's token");
        r.headers.emplace_back("www-authenticate", "Bearer realm=\"parley\"");
        return r;
    }
    if (e.code == p::ErrorCode::unknown_conversation) return problem(ProblemType::not_found, "no such conversation");
    return problem(ProblemType::forbidden, e.detail);
}

std::string bearer(const HttpRequest& r) {
    constexpr std::string_view kBearer = "Bearer ";
    if (r.authorization.compare(0, kBearer.size(), kBearer) != 0) return {};
    return r.authorization.substr(kBearer.size());
}

// RFC 6266/8187: a plain ASCII fallback and the UTF-8 name percent-encoded.
std::string content_disposition(const std::string& name) {
    std::string ascii, encoded;
    for (unsigned char c : name) {
        ascii += (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') ? static_cast<char>(c) : '_';
        if (std::isalnum(c) || c == '.' || c == '-' || c == '_') {
            encoded += static_cast<char>(c);
        } else {
            static const char* kHex = "0123456789ABCDEF";
            encoded += '%';
            encoded += kHex[c >> 4];
            encoded += kHex[c & 15];
        }
    }
    return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
}

}  // namespace

AttachmentService::AttachmentService(Store& store, Hub& hub, AttachmentFiles& files, JobRunner& jobs,
                                     RandomSource& random, AttachmentLimits limits, FreeSpace free_space)
    : store_(store),
      hub_(hub),
      files_(files),
      jobs_(jobs),
      random_(random),
      limits_(limits),
      free_space_(std::move(free_space)),
      visitor_bytes_(limits.visitor_bytes_per_day, kQuotaDayMs, 100'000) {}

std::string AttachmentService::clean_name(const std::string& name, std::size_t max_bytes) {
    const std::size_t slash = name.find_last_of("/\\");
    std::string out;
    for (unsigned char c : name.substr(slash == std::string::npos ? 0 : slash + 1))
        if (c >= 0x20 && c != 0x7F && c != '"') out += static_cast<char>(c);
    if (out.size() > max_bytes) {
        std::size_t cut = max_bytes;
        while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;  // a UTF-8 boundary
        out.resize(cut);
    }
    if (out.empty() || out == "." || out == "..") return "file";
    return out;
}


HttpResponse AttachmentService::handle(const HttpRequest& request, std::int64_t now) {
    const std::string prefix = kPrefix;
    if (request.path == prefix || request.path == prefix + "/") {
        if (request.method != "POST") {
            HttpResponse r = problem(ProblemType::method_not_allowed, request.method + " is not served at " + request.path);
            r.headers.emplace_back("allow", "POST");
            return r;
        }
        return upload(request, now);
    }
    const std::string id = request.path.substr(std::min(request.path.size(), prefix.size() + 1));
    if (request.path.compare(0, prefix.size() + 1, prefix + "/") != 0 || !rich::is_attachment_id(id))
        return problem(ProblemType::not_found, "no such file");
    if (request.method != "GET") {
        HttpResponse r = problem(ProblemType::method_not_allowed, request.method + " is not served at " + request.path);
        r.headers.emplace_back("allow", "GET");
        return r;
    }
    return download(request, id, now);
}

HttpResponse AttachmentService::upload(const HttpRequest& request, std::int64_t now) {
    const std::string* conv = request.arg("conv");
    const std::string* name = request.arg("name");
    if (!conv || conv->empty()) return problem(ProblemType::bad_request, "conv (the conversation's id) is required");
    if (!name || name->empty()) return problem(ProblemType::bad_request, "name (the file's name) is required");
    auto party = hub_.attachment_access(bearer(request), *conv, ConvAct::send, now);
    if (!party) return refused(party.error(), false);
    if (request.body.empty()) return problem(ProblemType::bad_request, "the body (the file's bytes) is empty");
    const std::optional<FileType> type = sniff_file_type(request.body);
    if (!type)
        return problem(ProblemType::unsupported_media,
                       std::string("this kind of file is not accepted: send ") + accepted_types());
    const bool visitor = party.value().role == "visitor";
    const auto size = static_cast<std::int64_t>(request.body.size());
    if (visitor)
        if (const std::int64_t wait = visitor_bytes_.wait(party.value().id, size, now)) {
            HttpResponse r = problem(ProblemType::rate_limited, "you have sent many files today; retry later");
            r.headers.emplace_back("retry-after", std::to_string((wait + 999) / 1000));
            return r;
        }
    // A free space that cannot be read lets the upload through: the write itself fails
    // then, and conversations are not refused for a statvfs.
    if (limits_.min_free_bytes > 0)
        if (const auto room = free_space_(files_.dir()); room && *room - size < limits_.min_free_bytes)
            return problem(ProblemType::insufficient_storage,
                           "the relay's disk is nearly full: files are refused while less than " +
                               std::to_string(limits_.min_free_bytes) + " bytes are free");

    AttachmentRecord record;
    record.id = random_id(random_, "att_", 16);  // 128 random bits: never guessed
    record.conv = *conv;
    record.uploader = party.value().id;
    record.name = clean_name(*name, limits_.max_name_bytes);
    record.mime = type->mime;
    record.size = size;
    record.created = now;
    auto outcome = std::make_shared<Outcome<Ok>>();
    auto content = std::make_shared<std::string>(request.body);
    AttachmentFiles& files = files_;
    const std::string id = record.id;
    if (!jobs_.submit([outcome, content, &files, id] { outcome->set(files.write(id, *content)); })) {
        HttpResponse r = problem(ProblemType::unavailable, "too many files are being stored; retry in a few seconds");
        r.headers.emplace_back("retry-after", "5");
        return r;
    }
    if (visitor) visitor_bytes_.add(party.value().id, size, now);

    HttpResponse pending;
    Store& store = store_;
    pending.deferred = [outcome, record, &store, &files]() -> std::optional<HttpResponse> {
        auto written = outcome->take();
        if (!written) return std::nullopt;
        if (!*written) return problem(ProblemType::unavailable, "the file could not be stored; retry later");
        if (Status put = store.put_attachment(record); !put) {
            AttachmentFiles::remove(files.dir(), {record.id});
            return problem(ProblemType::unavailable, "the file could not be stored; retry later");
        }
        json::Value doc = json::Value::object();
        doc["id"] = record.id;
        doc["conversation"] = record.conv;
        doc["name"] = record.name;
        doc["mime"] = record.mime;
        doc["size"] = static_cast<long long>(record.size);
        HttpResponse created;
        created.status = 201;
        created.body = doc.dump();
        return created;
    };
    return pending;
}

HttpResponse AttachmentService::download(const HttpRequest& request, const std::string& id, std::int64_t now) {
    auto record = store_.find_attachment(id);
    if (!record) return problem(ProblemType::unavailable, "the store could not be read; retry later");
    if (!record.value()) return problem(ProblemType::not_found, "no such file");
    auto party = hub_.attachment_access(bearer(request), record.value()->conv, ConvAct::history, now);
    if (!party) return refused(party.error(), party.error().code != p::ErrorCode::bad_token);

    auto outcome = std::make_shared<Outcome<std::string>>();
    AttachmentFiles& files = files_;
    if (!jobs_.submit([outcome, &files, id] { outcome->set(files.read(id)); })) {
        HttpResponse r = problem(ProblemType::unavailable, "too many files are being read; retry in a few seconds");
        r.headers.emplace_back("retry-after", "5");
        return r;
    }
    HttpResponse pending;
    const AttachmentRecord found = *record.value();
    pending.deferred = [outcome, found]() -> std::optional<HttpResponse> {
        auto read = outcome->take();
        if (!read) return std::nullopt;
        if (!*read) return problem(ProblemType::unavailable, "the file could not be read; retry later");
        HttpResponse r;
        r.content_type = found.mime == "text/plain" ? "text/plain; charset=utf-8" : found.mime;
        r.body = std::move(*read).value();
        r.headers.emplace_back("content-disposition", content_disposition(found.name));
        // Never a page of the relay's origin, whatever a browser makes of the bytes.
        r.headers.emplace_back("content-security-policy", "default-src 'none'; sandbox");
        r.headers.emplace_back("cross-origin-resource-policy", "same-origin");
        return r;
    };
    return pending;
}

}  // namespace parley::relay::attachments
