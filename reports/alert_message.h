// Alert messages: the text and payloads that tell a site's contacts what
// changed (e-mail, Slack, Teams, Google Chat, generic JSON), and the RFC 5322
// e-mail built from them. Delivery is alert.h (SendEmail, PostWebhook).
//
// Safety: web-derived text (reasons, URLs, titles) only goes into message
// bodies, made one-line and control-free, and in chat payloads escaped for
// the channel's markup (Slack &<>; Teams HTML entities and Markdown
// backslashes; Google Chat, which has no escape, fullwidth < > [ ] * ` and
// word-edge _ ~) so that web text never becomes a link, a mention or
// formatting. The only header carrying text is the Subject, CR/LF-free,
// capped and RFC 2047 encoded. Addresses are
// validated here because libcurl 7.88 does not reject CR/LF in envelope
// addresses. Pure functions; thread-safe.
#ifndef OITWATCH_REPORTS_ALERT_MESSAGE_H_
#define OITWATCH_REPORTS_ALERT_MESSAGE_H_

#include <cstddef>
#include <ctime>
#include <string>

#include "storage/outbox.h"

namespace oitwatch {

// Sets subject, body and fingerprint of `m` from its events_json, for its
// channel ("email": plain text; "slack", "teams", "gchat", "json": the
// webhook's JSON payload). Unknown channels get the generic JSON.
void ComposeMessage(OutboxMessage* m);

// True for a plain addr-spec local@domain (dot-atom, no quotes, comments,
// spaces, CR/LF, commas or angle brackets, <= 254 bytes). The message names
// the address (made printable) and what is wrong with it.
bool ValidateMailbox(const std::string& address, std::string* err);

// The Subject header value: CR/LF and controls removed, capped at
// `max_bytes` of UTF-8 (whole characters, "..." added), then RFC 2047
// base64 encoded-words of <= 75 chars, folded with CRLF SP.
std::string EncodeSubject(const std::string& utf8, size_t max_bytes = 180);

// A complete RFC 5322 message (CRLF line ends, base64 UTF-8 body) for `m`.
// REQUIRES: from and m.recipient passed ValidateMailbox.
std::string BuildEmail(const OutboxMessage& m, const std::string& from,
                       std::time_t now);

}  // namespace oitwatch

#endif  // OITWATCH_REPORTS_ALERT_MESSAGE_H_
