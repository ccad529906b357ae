#include "webhooks/webhook_sender.hpp"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>
#include <map>
#include <memory>
#include <utility>

namespace parley::relay {

namespace {

// Public unicast or not (see the theory in the header). IPv4 in host order.
bool private_v4(std::uint32_t a) {
    auto in = [a](std::uint32_t net, int bits) { return (a >> (32 - bits)) == (net >> (32 - bits)); };
    return in(0x00000000, 8) || in(0x0A000000, 8) || in(0x64400000, 10) || in(0x7F000000, 8) ||
           in(0xA9FE0000, 16) || in(0xAC100000, 12) || in(0xC0000000, 24) || in(0xC0A80000, 16) ||
           in(0xC6120000, 15) || in(0xE0000000, 4) || in(0xF0000000, 4);
}

bool private_address(const sockaddr* sa) {
    if (sa->sa_family == AF_INET)
        return private_v4(ntohl(reinterpret_cast<const sockaddr_in*>(sa)->sin_addr.s_addr));
    if (sa->sa_family != AF_INET6) return true;
    const unsigned char* b = reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr.s6_addr;
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(b, mapped, 12) == 0) {
        std::uint32_t v4 = (std::uint32_t{b[12]} << 24) | (std::uint32_t{b[13]} << 16) | (b[14] << 8) | b[15];
        return private_v4(v4);
    }
    static const unsigned char zero[15] = {};
    if (std::memcmp(b, zero, 15) == 0) return true;  // :: and ::1
    return (b[0] & 0xfe) == 0xfc ||                  // fc00::/7 unique local
           (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) ||  // fe80::/10 link-local
           b[0] == 0xff;                               // multicast
}

}  // namespace

// One transfer: the request, its curl handle and what the callbacks saw.
struct Transfer {
    WebhookRequest request;
    const WebhookSenderConfig* config = nullptr;
    CURL* easy = nullptr;
    curl_slist* headers = nullptr;
    std::size_t received = 0;
    bool too_large = false;
    bool refused_address = false;
    char error[CURL_ERROR_SIZE] = {};
    ~Transfer() {
        if (headers) curl_slist_free_all(headers);
        if (easy) curl_easy_cleanup(easy);
    }
};

namespace {

std::size_t discard_body(char*, std::size_t size, std::size_t n, void* user) {
    auto* t = static_cast<Transfer*>(user);
    t->received += size * n;
    if (t->received > t->config->max_response_bytes) {
        t->too_large = true;
        return 0;  // aborts the transfer (CURLE_WRITE_ERROR)
    }
    return size * n;
}

curl_socket_t open_checked_socket(void* user, curlsocktype, curl_sockaddr* address) {
    auto* t = static_cast<Transfer*>(user);
    if (!t->config->allow_private && private_address(&address->addr)) {
        t->refused_address = true;
        return CURL_SOCKET_BAD;
    }
    return socket(address->family, address->socktype, address->protocol);
}

}  // namespace

std::string webhook_url_problem(const std::string& url) {
    const bool http = url.rfind("http://", 0) == 0, https = url.rfind("https://", 0) == 0;
    if (!http && !https) return "a webhook URL starts with http:// or https://";
    const std::string rest = url.substr(http ? 7 : 8);
    if (rest.empty() || rest[0] == '/' || rest[0] == '?' || rest[0] == '#') return "a webhook URL names a host";
    if (url.size() > 2048) return "a webhook URL is at most 2048 bytes";
    for (unsigned char c : url)
        if (c <= 0x20 || c == 0x7f) return "a webhook URL has no spaces or control characters";
    return "";
}

struct WebhookSender::Multi {
    CURLM* handle = nullptr;
    std::map<CURL*, std::unique_ptr<Transfer>> running;
    // Easy handles of finished transfers, reused for the next ones: curl_easy_init
    // allocates and zeroes ~20 KB of state per call, and every option is set again on
    // reuse anyway (the same set each time, so nothing of the last request lingers).
    std::vector<CURL*> idle;
};

WebhookSender::WebhookSender(WebhookSenderConfig config) : config_(config) {
    static const CURLcode global = curl_global_init(CURL_GLOBAL_DEFAULT);  // once, before any thread uses curl
    (void)global;
    multi_ = new Multi;
    multi_->handle = curl_multi_init();
    // Keep every receiver connection alive between requests. By default the cache holds
    // 4 × the easy handles currently added, and a finished transfer's handle is removed
    // at once, so with few transfers running curl closed idle connections and opened new
    // ones (connect, SYN/ACK, a fresh socket) for the next requests: seen in the profile.
    curl_multi_setopt(multi_->handle, CURLMOPT_MAXCONNECTS, 64L);
    worker_ = std::thread([this] { work(); });
}

WebhookSender::~WebhookSender() {
    stop_ = true;
    curl_multi_wakeup(multi_->handle);
    worker_.join();
    for (auto& [easy, t] : multi_->running) curl_multi_remove_handle(multi_->handle, easy);
    multi_->running.clear();
    for (CURL* easy : multi_->idle) curl_easy_cleanup(easy);
    curl_multi_cleanup(multi_->handle);
    delete multi_;
}

void WebhookSender::set_wake(std::function<void()> wake) {
    std::lock_guard<std::mutex> lock(mutex_);
    wake_ = std::move(wake);
}

void WebhookSender::submit(WebhookRequest request) {
    bool woken = false;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        woken = !inbox_.empty();  // the worker has not taken the last ones: a wake is on its way
        inbox_.push_back(std::move(request));
    }
    // One wake per batch the dispatcher submits, not one per request (each is a write to
    // curl's wake pipe and a pass of the worker).
    if (!woken) curl_multi_wakeup(multi_->handle);
}

std::vector<WebhookResult> WebhookSender::take_results() {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<WebhookResult> out;
    out.swap(outbox_);
    return out;
}

void WebhookSender::work() {
    CURLM* multi = multi_->handle;
    while (!stop_) {
        std::deque<WebhookRequest> fresh;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            fresh.swap(inbox_);
        }
        for (WebhookRequest& r : fresh) {
            auto t = std::make_unique<Transfer>();
            t->request = std::move(r);
            t->config = &config_;
            if (multi_->idle.empty()) {
                t->easy = curl_easy_init();
            } else {
                t->easy = multi_->idle.back();
                multi_->idle.pop_back();
            }
            CURL* e = t->easy;
            for (const std::string& h : t->request.headers) t->headers = curl_slist_append(t->headers, h.c_str());
            t->headers = curl_slist_append(t->headers, "Content-Type: application/json");
            t->headers = curl_slist_append(t->headers, "Expect:");  // no 100-continue round trip
            curl_easy_setopt(e, CURLOPT_URL, t->request.url.c_str());
            curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
            curl_easy_setopt(e, CURLOPT_POSTFIELDS, t->request.body.data());
            curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(t->request.body.size()));
            curl_easy_setopt(e, CURLOPT_USERAGENT, "parley-relay-webhooks/1");
            curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
            curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
            curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
            curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
            curl_easy_setopt(e, CURLOPT_PROXY, "");  // never a proxy from the environment
            curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, config_.connect_timeout_ms);
            curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, config_.timeout_ms);
            curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard_body);
            curl_easy_setopt(e, CURLOPT_WRITEDATA, t.get());
            curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, open_checked_socket);
            curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, t.get());
            curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->error);
            curl_multi_add_handle(multi, e);
            multi_->running.emplace(e, std::move(t));
        }
        int still = 0;
        curl_multi_perform(multi, &still);
        int left = 0;
        std::vector<WebhookResult> finished;
        while (CURLMsg* m = curl_multi_info_read(multi, &left)) {
            if (m->msg != CURLMSG_DONE) continue;
            auto it = multi_->running.find(m->easy_handle);
            if (it == multi_->running.end()) continue;
            Transfer& t = *it->second;
            WebhookResult r;
            r.delivery = t.request.delivery;
            curl_easy_getinfo(t.easy, CURLINFO_RESPONSE_CODE, &r.status);
            if (t.refused_address) {
                r.error = "destination address not allowed (--webhook-allow-private)";
            } else if (t.too_large) {
                r.error = "response body over " + std::to_string(config_.max_response_bytes) + " bytes";
            } else if (m->data.result != CURLE_OK) {
                r.error = t.error[0] ? t.error : curl_easy_strerror(m->data.result);
            } else {
                r.ok = r.status >= 200 && r.status < 300;
                if (!r.ok) r.error = "HTTP " + std::to_string(r.status);
            }
            curl_multi_remove_handle(multi, m->easy_handle);
            multi_->idle.push_back(std::exchange(t.easy, nullptr));  // kept for the next request
            multi_->running.erase(it);
            finished.push_back(std::move(r));
        }
        // One wake for everything this pass finished, and none while the loop has not yet
        // taken the last ones (an outbox that was not empty: a wake is on its way). A wake
        // per finished delivery cost the loop a pass each (bench/README, issue 18).
        if (!finished.empty()) {
            std::lock_guard<std::mutex> lock(mutex_);
            const bool woken = !outbox_.empty();
            for (WebhookResult& r : finished) outbox_.push_back(std::move(r));
            if (!woken && wake_) wake_();
        }
        if (!stop_) curl_multi_poll(multi, nullptr, 0, 1000, nullptr);
    }
}

}  // namespace parley::relay
