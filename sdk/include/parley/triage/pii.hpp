// Personal data in free text: e-mail addresses, phone numbers, payment card numbers
// (Luhn-checked) and IBANs (ISO 13616 mod-97 checked), found as byte spans of the
// original UTF-8 text and masked before a message leaves the browser or the relay.
//
// Precedence where candidates overlap: IBAN, then card, then e-mail, then phone.
// Deliberate choices (tested):
//  - a digit run that fails Luhn is not a card; if it has 7–15 digits it may still be
//    a phone number;
//  - an e-mail inside a URL ("?to=ann@example.com", "mailto:") is masked, the rest of
//    the URL kept; "@handle" paths ("medium.com/@ann") and "user@localhost" are not
//    e-mails;
//  - phone numbers: 7–15 digits, with "+", "00" or "(" prefixes and space, dot, dash
//    or slash separators; a bare digit run needs 9+ digits; ISO dates, times, decimals
//    and amounts with a currency sign are not phones;
//  - cards: 13–19 digits grouped by spaces, dashes, dots or slashes, Luhn-checked; a
//    decimal or a run opening with a dotted/slashed date is not a card;
//  - look-alikes count as what they look like (issue 15): full-width and other Unicode
//    decimal digits, Unicode spaces and dashes, full-width "@" and "."; zero-width and
//    bidi control characters are skipped. Spans still point at the original bytes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace parley::triage {

enum class PiiKind { email, phone, card, iban };

struct PiiSpan {
    PiiKind kind;
    size_t begin;  // byte offsets into the scanned text, [begin, end)
    size_t end;
};

const char* pii_name(PiiKind kind);  // "email", "phone", "card", "iban"

// All spans, sorted by begin, non-overlapping.
std::vector<PiiSpan> find_pii(std::string_view text);

struct MaskOptions {
    bool email = true, phone = true, card = true, iban = true;
    bool keep_card_last4 = false;  // "[card ••••1111]" instead of "[card]"
};

// Text with every enabled span replaced by "[email]", "[phone]", "[card]" or "[iban]".
std::string mask_pii(std::string_view text, const MaskOptions& options = {});
// The same with the spans find_pii(text) already returned (a caller that also needs
// them, like analyze, scans the text once).
std::string mask_pii(std::string_view text, const std::vector<PiiSpan>& spans, const MaskOptions& options);

// Checks exposed for tests and for callers validating form fields.
bool luhn_valid(std::string_view digits);  // digits only, length >= 2
bool iban_valid(std::string_view iban);    // letters/digits, spaces allowed

}  // namespace parley::triage
