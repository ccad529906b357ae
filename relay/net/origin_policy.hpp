// OriginPolicy: which browser origins may open a WebSocket to the relay (§1). Pure
// logic, no lws, so the rule is unit-tested; net/server.cpp applies it before the
// upgrade completes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace parley::relay {

class OriginPolicy {
public:
    // `allowed`: exact origins ("scheme://host[:port]", no path). A trailing '/' is
    // ignored and the comparison is ASCII case-insensitive, as browsers serialise
    // origins in lower case.
    // `tls`: the relay itself speaks TLS, so its own pages are https:// only (an http://
    // origin naming it can only be a downgraded page); without it a TLS proxy in front
    // may be what the browser saw, so either scheme is the relay's own.
    explicit OriginPolicy(std::vector<std::string> allowed = {}, bool tls = false);

    // The relay's own origins, the default allow-list: http://HOST:PORT,
    // http://127.0.0.1:PORT and http://localhost:PORT; with `tls` (the relay serves
    // https:// itself, and nothing over http) the same with https://.
    static std::vector<std::string> defaults(const std::string& host, int port, bool tls = false);

    // `origin` empty = the header was absent: a native client, which is allowed (an
    // Origin check only protects browsers from being used by another site).
    // `host`: the request's Host header. A page the relay served itself (the widget's
    // frame, the console) has the relay's origin *as the browser reached it*, which no
    // list can know in advance (a hostname, a proxy's name): an http(s) origin whose
    // host[:port] is the Host header is the relay's own, and always allowed. (Another
    // site cannot send it: the browser sets Origin. A site whose name was pointed at the
    // relay could, but then it talks to the relay as its own page would, with no
    // credentials of anyone: the relay has no cookies to ride on.)
    bool allows(std::string_view origin, std::string_view host = {}) const;

    const std::vector<std::string>& allowed() const { return allowed_; }

private:
    std::vector<std::string> allowed_;  // normalised
    bool tls_ = false;
};

}  // namespace parley::relay
