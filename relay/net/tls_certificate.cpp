#include "net/tls_certificate.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace parley::relay {

namespace {

Error bad(std::string detail) { return Error{protocol::ErrorCode::bad_field, std::move(detail), {}}; }

// OpenSSL's reason for the last failure ("no start line", "key values mismatch"), and
// its error queue emptied so the next call starts clean.
std::string openssl_reason() {
    const unsigned long e = ERR_peek_last_error();
    const char* reason = e ? ERR_reason_error_string(e) : nullptr;
    ERR_clear_error();
    return reason ? reason : "unknown error";
}

struct BioCloser {
    void operator()(BIO* b) const { BIO_free(b); }
};
using BioPtr = std::unique_ptr<BIO, BioCloser>;

BioPtr open_file(const std::string& path, std::string& error) {
    BioPtr bio(BIO_new_file(path.c_str(), "r"));
    if (!bio) {
        // errno still holds why fopen failed (no such file, permission denied).
        const int err = errno;
        error = path + ": cannot read (" + std::string(std::strerror(err)) + ")";
        if (err == EACCES)  // what to do: the relay's user, named (issue 18)
            error += ": make it readable by the relay's user, uid " + std::to_string(::geteuid()) +
                     " (under systemd with DynamicUser, pass it with LoadCredential=)";
        ERR_clear_error();
    }
    return bio;
}

std::string hex_fingerprint(X509* cert) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (X509_digest(cert, EVP_sha256(), md, &n) != 1) return "";
    std::string out;
    char byte[4];
    for (unsigned int i = 0; i < n; ++i) {
        std::snprintf(byte, sizeof byte, i + 1 < n ? "%02X:" : "%02X", md[i]);
        out += byte;
    }
    return out;
}

std::string describe(X509* cert, const std::string& fingerprint) {
    char subject[256] = "";
    X509_NAME_oneline(X509_get_subject_name(cert), subject, sizeof subject);
    std::string expiry = "?";
    if (BioPtr mem{BIO_new(BIO_s_mem())}; mem && ASN1_TIME_print(mem.get(), X509_get0_notAfter(cert)) == 1) {
        char* data = nullptr;
        const long len = BIO_get_mem_data(mem.get(), &data);
        expiry.assign(data, static_cast<std::size_t>(len));
    }
    return std::string(subject) + ", valid until " + expiry + ", sha256 " + fingerprint;
}

// OpenSSL's certificate callback: every handshake gets the current pair, whatever the
// SSL inherited from the SSL_CTX (the pair lws loaded at start, possibly of another
// key type).
int use_current_certificate(SSL* ssl, void* arg) {
    const auto* current = static_cast<CurrentCertificate*>(arg);
    if (!current || !current->pair) return 0;  // 0: the handshake fails
    const TlsCertificate& pair = *current->pair;
    SSL_certs_clear(ssl);
    return SSL_use_cert_and_key(ssl, pair.certificate(), pair.key(), pair.chain(), 1) == 1 ? 1 : 0;
}

}  // namespace

TlsCertificate::~TlsCertificate() {
    X509_free(cert_);
    EVP_PKEY_free(key_);
    sk_X509_pop_free(chain_, X509_free);
}

Result<std::shared_ptr<const TlsCertificate>> TlsCertificate::load(const std::string& cert_file,
                                                                   const std::string& key_file) {
    std::shared_ptr<TlsCertificate> out(new TlsCertificate());
    std::string error;
    ERR_clear_error();

    BioPtr certs = open_file(cert_file, error);
    if (!certs) return bad("--tls-cert " + error);
    out->cert_ = PEM_read_bio_X509(certs.get(), nullptr, nullptr, nullptr);
    if (!out->cert_) return bad("--tls-cert " + cert_file + ": no PEM certificate (" + openssl_reason() + ")");
    out->chain_ = sk_X509_new_null();
    if (!out->chain_) return bad("out of memory");
    while (X509* extra = PEM_read_bio_X509(certs.get(), nullptr, nullptr, nullptr)) {
        if (!sk_X509_push(out->chain_, extra)) {
            X509_free(extra);
            return bad("out of memory");
        }
    }
    ERR_clear_error();  // the loop ends on "no start line": the end of the file

    BioPtr key = open_file(key_file, error);
    if (!key) return bad("--tls-key " + error);
    // An empty passphrase callback: an encrypted key fails here instead of prompting
    // on the terminal.
    auto no_passphrase = [](char*, int, int, void*) { return 0; };
    out->key_ = PEM_read_bio_PrivateKey(key.get(), nullptr, no_passphrase, nullptr);
    if (!out->key_)
        return bad("--tls-key " + key_file + ": no unencrypted PEM private key (" + openssl_reason() + ")");
    if (X509_check_private_key(out->cert_, out->key_) != 1)
        return bad("--tls-key " + key_file + " is not the private key of --tls-cert " + cert_file + " (" +
                   openssl_reason() + ")");

    out->fingerprint_ = hex_fingerprint(out->cert_);
    out->summary_ = describe(out->cert_, out->fingerprint_);
    return std::shared_ptr<const TlsCertificate>(std::move(out));
}

parley::Status configure_tls_server(SSL_CTX* ctx, CurrentCertificate* current) {
    static constexpr const char* kTls12Suites =
        "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
        "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
        "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
    if (!ctx) return bad("no TLS context");
    if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1 || SSL_CTX_set_cipher_list(ctx, kTls12Suites) != 1)
        return bad("OpenSSL refused the TLS settings (" + openssl_reason() + ")");
    SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_RENEGOTIATION);
    SSL_CTX_set_cert_cb(ctx, use_current_certificate, current);
    return Unit{};
}

}  // namespace parley::relay
