// SecurityHeaders: the headers every HTTP response of the relay carries, and the
// Content-Security-Policy of each static page (issue 15, P7). Pure, no lws, so the
// policies are unit-tested; net/server.cpp adds them (the canned vhost headers reach
// every response, error pages and refused upgrades included; the CSP is added to each
// file response through LWS_CALLBACK_ADD_HEADERS).
//
//   X-Content-Type-Options: nosniff   a browser never guesses a script or a style out of
//                                     a file served as something else
//   Referrer-Policy: no-referrer      the console's and the widget's URLs (a conversation
//                                     id, the host page's address in ?page=) never leave
//                                     in a Referer header; nothing here needs one
//   Content-Security-Policy           per page, below; the <meta> policies of the pages
//                                     stay (a page saved to disk keeps them), the header
//                                     adds what a <meta> cannot carry: frame-ancestors
//
//   /widget/frame.html   the page's own policy + frame-ancestors = the allowed origins
//                        (the same list OriginPolicy applies to WebSockets: the sites that
//                        may embed the widget)
//   /console/…           the page's own policy + frame-ancestors 'none' (no site may frame
//                        the agents' console: clickjacking)
//   anything else        frame-ancestors 'none'; object-src 'none'; base-uri 'self' (the
//                        demo host page has an inline script and no policy of its own)
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace parley::relay {

// The policy the widget's and the console's pages declare in their <meta> tag
// (web/widget/frame.html, web/console/index.html); a test checks they agree.
inline constexpr std::string_view kAppPagePolicy =
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self' ws: wss:; "
    "style-src 'self'; img-src 'self' data:";

// The Content-Security-Policy header for a response to `path` (the request's URI path,
// without the query). `frame_origins`: who may embed the widget frame; entries that are
// not plain origins are left out (they could smuggle in a directive).
std::string content_security_policy(std::string_view path, const std::vector<std::string>& frame_origins);

}  // namespace parley::relay
