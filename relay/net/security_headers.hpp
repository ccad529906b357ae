// SecurityHeaders: the headers every HTTP response of the relay carries, and the
// Content-Security-Policy of each static page (issue 15, P7). Pure, no lws, so the
// policies are unit-tested; net/server.cpp adds them: the canned vhost headers (lws adds
// them in lws_add_http_header_status, so they reach every response: files, error pages,
// refused upgrades) and, for each file response, the page's own CSP through
// LWS_CALLBACK_ADD_HEADERS.
//
//   X-Content-Type-Options: nosniff   a browser never guesses a script or a style out of
//                                     a file served as something else
//   Referrer-Policy: no-referrer      the console's and the widget's URLs (the host page's
//                                     address in ?page=, what an agent has open) never
//                                     leave in a Referer header; nothing here needs one
//                                     (strict-origin would still send our origin to any
//                                     site a message links to)
//   Content-Security-Policy, twice    a browser enforces every CSP header of a response,
//                                     so what a resource may do is what both allow:
//     baseline (every response)       frame-ancestors = the allowed origins (or 'none'),
//                                     object-src 'none', base-uri 'self': what no response
//                                     needs beyond, the union of what the pages need
//     per file                        the page's own policy, narrowing the baseline:
//
//   /widget/frame.html   its <meta> policy + frame-ancestors = the allowed origins (the
//                        same list OriginPolicy applies to WebSockets: the sites that may
//                        embed the widget)
//   /console/…           its <meta> policy + frame-ancestors 'none' (no site may frame
//                        the agents' console: clickjacking)
//   anything else        frame-ancestors 'none' (the demo host page has an inline script
//                        and no policy of its own; scripts and styles are not framed)
//
// The <meta> policies stay in the pages (a page saved to disk keeps them); a header adds
// what a <meta> cannot carry: frame-ancestors.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace parley::relay {

// The policy the widget's and the console's pages declare in their <meta> tag
// (web/widget/frame.html, web/console/index.html); a test checks they agree.
// img-src allows https: images: a bot's or an agent's card (issue 16) shows one from
// the site's own CDN; only agents and bots can send cards, and http: images stay out
// (mixed content on any real deployment). blob: is an attachment's preview (issue 17):
// the page reads the file with the chat's token and shows the bytes it holds.
inline constexpr std::string_view kAppPagePolicy =
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self' ws: wss:; "
    "style-src 'self'; img-src 'self' data: https: blob:";

// HSTS (P7), on every response when the relay serves TLS itself (--tls-cert), never over
// plain http: a year, the value browsers' preload lists ask for; no includeSubDomains (the
// relay cannot know what else runs under its domain) and no preload (the operator's call).
inline constexpr const char* kStrictTransportSecurity = "max-age=31536000";

// The CSP every response carries (error pages included).
std::string baseline_security_policy(const std::vector<std::string>& frame_origins);

// The Content-Security-Policy header for a response to `path` (the request's URI path,
// without the query). `frame_origins`: who may embed the widget frame; entries that are
// not plain origins are left out (they could smuggle in a directive).
std::string content_security_policy(std::string_view path, const std::vector<std::string>& frame_origins);

}  // namespace parley::relay
