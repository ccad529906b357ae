// TlsCertificate: the relay's certificate and private key (--tls-cert, --tls-key), and
// the TLS settings of its server context (issue 15, P7). OpenSSL only, no lws:
// net/server.cpp hands lws the file paths (so lws builds a TLS vhost), then, when lws
// offers the vhost's SSL_CTX (LWS_CALLBACK_OPENSSL_LOAD_EXTRA_SERVER_VERIFY_CERTS),
// calls configure_tls_server on it.
//
// Reloading (SIGHUP): lws 4.1.6 has no sound server-side reload. lws_tls_cert_updated
// ignores failures and loads the certificate and the key in two steps into the live
// SSL_CTX, so a bad key leaves a certificate without its key; creating the vhost again
// would close the listening socket. Instead every handshake takes its certificate from
// a `CurrentCertificate` (OpenSSL's certificate callback: the SSL's certificates are
// cleared, then the current pair set), and a reload builds a whole new TlsCertificate
// first: files read, parsed, key checked against the certificate. Only a pair that
// passes replaces the current one, so a failed reload keeps serving the old one. Each
// connection holds references to the pair it was set up with (OpenSSL counts them), so
// open connections are untouched and the old pair is freed with its last connection.
//
// Settings (configure_tls_server), rather than OpenSSL's defaults, which depend on the
// system's openssl.cnf (TLS 1.0 and CBC/SHA-1 suites without forward secrecy are in
// the compiled-in DEFAULT list):
//   TLS 1.2 and 1.3 only; TLS 1.2 suites: ECDHE key exchange with AES-GCM or
//   ChaCha20-Poly1305 only (Mozilla's "intermediate" list without DHE, which would need
//   DH parameters); TLS 1.3: OpenSSL's suites (all AEAD, all forward-secret); the
//   server's order preferred; no TLS compression (CRIME); no renegotiation (a client
//   that renegotiates over and over costs the relay a handshake each time).
#pragma once

#include <memory>
#include <string>

#include "parley/core/result.hpp"

typedef struct ssl_ctx_st SSL_CTX;
typedef struct x509_st X509;
typedef struct evp_pkey_st EVP_PKEY;
struct stack_st_X509;

namespace parley::relay {

class TlsCertificate {
public:
    // Reads a PEM certificate file (the server's certificate first, then its chain) and
    // a PEM private key file (unencrypted), and checks that the key is the
    // certificate's. Errors (code bad_field) name the file and what is wrong with it.
    static Result<std::shared_ptr<const TlsCertificate>> load(const std::string& cert_file,
                                                              const std::string& key_file);
    ~TlsCertificate();
    TlsCertificate(const TlsCertificate&) = delete;
    TlsCertificate& operator=(const TlsCertificate&) = delete;

    // SHA-256 of the certificate (DER), "AB:CD:…" as `openssl x509 -fingerprint` prints it.
    const std::string& fingerprint() const { return fingerprint_; }
    // For the log: subject, expiry, fingerprint.
    const std::string& summary() const { return summary_; }

    X509* certificate() const { return cert_; }
    EVP_PKEY* key() const { return key_; }
    stack_st_X509* chain() const { return chain_; }

private:
    TlsCertificate() = default;
    X509* cert_ = nullptr;
    EVP_PKEY* key_ = nullptr;
    stack_st_X509* chain_ = nullptr;  // intermediates, may be empty
    std::string fingerprint_, summary_;
};

// What new handshakes use. Lives as long as the lws context (the SSL_CTX points at it).
struct CurrentCertificate {
    std::shared_ptr<const TlsCertificate> pair;
};

// The settings above, and `current` as the certificate of every new handshake. Errors:
// OpenSSL refused a setting (the relay does not start).
parley::Status configure_tls_server(SSL_CTX* ctx, CurrentCertificate* current);

}  // namespace parley::relay
