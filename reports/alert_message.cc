// Alert messages (see alert_message.h): subject and body in Thai with
// English beside, per-channel webhook payloads, and the e-mail encoding.
#include "reports/alert_message.h"

#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include "reports/alert.h"
#include "reports/escape.h"

namespace oitwatch {
namespace {

using Json = nlohmann::json;

// Thai first, English beside: what happened, in a few words.
std::string KindWords(AlertKind kind) {
  switch (kind) {
    case AlertKind::kLost: return "ไม่ผ่านแล้ว (no longer passes)";
    case AlertKind::kBroken: return "ลิงก์หลักฐานเสีย (evidence link broken)";
    case AlertKind::kRecovered: return "กลับมาผ่านแล้ว (passes again)";
    case AlertKind::kUnreachable:
      return "เข้าเว็บไซต์ไม่ได้ต่อเนื่อง (site unreachable)";
    case AlertKind::kReachable: return "เข้าเว็บไซต์ได้อีกครั้ง (site reachable again)";
  }
  return "";
}

// Escapes one field for the channel's markup; Plain for e-mail (and Slack,
// which escapes the whole text, see SlackEscape).
using Escaper = std::string (*)(const std::string&);

std::string Plain(const std::string& text) { return text; }

bool IsAsciiAlnum(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) && (c & 0x80) == 0;
}

// Google Chat text (MARKUP_SYNTAX_CHAT) has no escape character. Its only
// in-text control sequences start with '<' (<url|text> links, <users/all>
// mentions), so '<' and '>' become the fullwidth ＜ ＞, which no real URL
// contains raw; '[' ']' too, for spaces that read Markdown ([text](url)).
// Formatting markers (*bold*, _italic_, ~strike~, `code`)
// only act at a word edge, so those become fullwidth too, except '_' and
// '~' between two ASCII letters or digits (user_files_editor stays a
// working URL).
std::string GchatEscape(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool inside_word = i > 0 && i + 1 < text.size() &&
                             IsAsciiAlnum(text[i - 1]) &&
                             IsAsciiAlnum(text[i + 1]);
    if (c == '<') out += "\xEF\xBC\x9C";                    // ＜
    else if (c == '>') out += "\xEF\xBC\x9E";               // ＞
    else if (c == '[') out += "\xEF\xBC\xBB";               // ［
    else if (c == ']') out += "\xEF\xBC\xBD";               // ］
    else if (c == '*') out += "\xEF\xBC\x8A";               // ＊
    else if (c == '`') out += "\xEF\xBD\x80";               // ｀
    else if (c == '_' && !inside_word) out += "\xEF\xBC\xBF";  // ＿
    else if (c == '~' && !inside_word) out += "\xEF\xBD\x9E";  // ～
    else out += c;
  }
  return out;
}

// Teams connector-card text is Markdown plus limited HTML: HTML entities
// for & < > (no tags, no <at> mentions, no <http://...> autolinks) and a
// backslash before every Markdown marker, so [text](url) is no link and
// *x* _x_ ~x~ `x` # x no formatting ('_' too: Teams emphasises inside
// words).
std::string TeamsEscape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (std::strchr("\\`*_~[]#|", c) != nullptr && c != '\0') {
      out += '\\';
      out += c;
    } else {
      out += c;
    }
  }
  return out;
}

// One line of web-derived or configured text: valid UTF-8, no CR/LF, no
// terminal controls, no bidi tricks, then escaped for the channel.
std::string Line(const std::string& text, Escaper escape) {
  return escape(TerminalSafe(text));
}

std::string SubjectOf(const std::vector<AlertEvent>& events, Escaper escape) {
  const AlertEvent& first = events.front();
  std::string site = escape(first.site_name.empty() ? first.site_id
                                                    : first.site_name);
  if (events.size() == 1) {
    std::string what = first.item_id.empty() ? "" : escape(first.item_id) + " ";
    return "[oitwatch] " + site + ": " + what + KindWords(first.kind);
  }
  return "[oitwatch] " + site + ": " + std::to_string(events.size()) +
         " รายการเปลี่ยนสถานะ (" + std::to_string(events.size()) +
         " changes)";
}

std::string EventText(const AlertEvent& e, Escaper escape) {
  std::string out = "* " + (e.item_id.empty() ? "" : Line(e.item_id, escape) + " ") +
                    KindWords(e.kind) + "\n";
  if (!e.item_title.empty()) out += "  " + Line(e.item_title, escape) + "\n";
  if (!e.before.empty() || !e.after.empty()) {
    out += "  สถานะ (status): " +
           (e.before.empty() ? "?" : Line(e.before, escape)) + " -> " +
           (e.after.empty() ? "?" : Line(e.after, escape)) + "\n";
  }
  if (!e.reason.empty()) out += "  " + Line(e.reason, escape) + "\n";
  if (!e.evidence_url.empty()) {
    out += "  หลักฐาน (evidence): " + Line(e.evidence_url, escape) + "\n";
  }
  out += "  (run " + std::to_string(e.run_id) + ", as of " +
         Line(e.as_of, escape) + ")\n";
  return out;
}

std::string BodyOf(const std::vector<AlertEvent>& events, Escaper escape) {
  const AlertEvent& first = events.front();
  std::string out = Line(first.site_name, escape) + " (" +
                    Line(first.site_id, escape) + ")\n" +
                    Line(first.site_url, escape) + "\n\n";
  for (const AlertEvent& e : events) out += EventText(e, escape) + "\n";
  out +=
      "-- \noitwatch: การตรวจการเปิดเผยข้อมูลสาธารณะ ITA/OIT อัตโนมัติ "
      "(automatic ITA/OIT disclosure check).\n";
  return out;
}

// Slack mrkdwn control characters (api.slack.com "Escaping text").
std::string SlackEscape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else out += c;
  }
  return out;
}

// The webhook payload of `channel`; every web-derived string in a text
// that the chat renders as markup goes through that channel's escaper.
std::string Payload(const std::string& channel,
                    const std::vector<AlertEvent>& events,
                    const std::string& subject, const std::string& events_json) {
  Json j;
  if (channel == "slack") {
    j = {{"text", SlackEscape(subject + "\n" + BodyOf(events, &Plain))}};
  } else if (channel == "gchat") {
    j = {{"text", SubjectOf(events, &GchatEscape) + "\n" +
                      BodyOf(events, &GchatEscape)}};
  } else if (channel == "teams") {  // summary and title are plain text
    j = {{"@type", "MessageCard"},
         {"@context", "https://schema.org/extensions"},
         {"summary", subject}, {"themeColor", "C0392B"},
         {"title", subject}, {"text", BodyOf(events, &TeamsEscape)}};
  } else {
    j = {{"source", "oitwatch"}, {"subject", subject},
         {"events", Json::parse(events_json, nullptr, false)}};
  }
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

// FNV-1a 64 of the events' fingerprints, as 16 hex digits.
std::string HashOf(const std::vector<AlertEvent>& events) {
  uint64_t h = 1469598103934665603ull;
  for (const AlertEvent& e : events) {
    for (unsigned char c : e.fingerprint + "\n") {
      h = (h ^ c) * 1099511628211ull;
    }
  }
  char buf[20];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace

void ComposeMessage(OutboxMessage* m) {
  std::vector<AlertEvent> events;
  std::string err;
  if (!EventsFromJson(m->events_json, &events, &err) || events.empty()) {
    m->subject = "[oitwatch] alert";
    m->body = "(no events: " + err + ")\n";
    return;
  }
  m->fingerprint = HashOf(events);
  m->subject = SubjectOf(events, &Plain);
  m->body = m->channel == "email"
                ? BodyOf(events, &Plain)
                : Payload(m->channel, events, m->subject, m->events_json);
}

namespace {

std::string Base64(std::string_view in) {
  static const char kTable[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) |
                 uint8_t(in[i + 2]);
    for (int shift = 18; shift >= 0; shift -= 6) out += kTable[(v >> shift) & 63];
  }
  if (i < in.size()) {
    uint32_t v = uint8_t(in[i]) << 16;
    if (i + 1 < in.size()) v |= uint8_t(in[i + 1]) << 8;
    out += kTable[(v >> 18) & 63];
    out += kTable[(v >> 12) & 63];
    out += i + 1 < in.size() ? kTable[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

// Length of the UTF-8 prefix of `s` that ends on a character boundary and
// is at most `limit` bytes.
size_t CharBoundary(const std::string& s, size_t limit) {
  if (s.size() <= limit) return s.size();
  size_t n = limit;
  while (n > 0 && (uint8_t(s[n]) & 0xC0) == 0x80) --n;
  return n;
}

bool IsAtext(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::strchr("!#$%&'*+-/=?^_`{|}~", c) != nullptr;
}

std::string DomainOf(const std::string& address) {
  return address.substr(address.rfind('@') + 1);
}

std::string RfcDate(std::time_t now) {
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  return buf;
}

}  // namespace

bool ValidateMailbox(const std::string& address, std::string* err) {
  auto fail = [&](const std::string& why) {
    *err = "e-mail address \"" + TerminalSafe(address) + "\" rejected: " + why;
    return false;
  };
  if (address.find_first_of("\r\n") != std::string::npos) {
    return fail("contains CR or LF (header injection)");
  }
  if (address.empty() || address.size() > 254) return fail("empty or too long");
  size_t at = address.find('@');
  if (at == std::string::npos || at != address.rfind('@') || at == 0 ||
      at + 1 == address.size() || at > 64) {
    return fail("expected exactly one local@domain");
  }
  const std::string local = address.substr(0, at), domain = address.substr(at + 1);
  for (char c : local) {
    if (!IsAtext(c) && c != '.') return fail("character not allowed in a plain address");
  }
  for (char c : domain) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-') {
      return fail("domain must be letters, digits, '-' and '.'");
    }
  }
  if (local.front() == '.' || local.back() == '.' ||
      local.find("..") != std::string::npos || domain.front() == '.' ||
      domain.back() == '.' || domain.find("..") != std::string::npos) {
    return fail("misplaced '.'");
  }
  return true;
}

std::string EncodeSubject(const std::string& utf8, size_t max_bytes) {
  std::string text = ValidUtf8(utf8), clean;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u == '\r' || u == '\n' || u == '\t') clean += ' ';
    else if (u >= 0x20 && u != 0x7F) clean += c;
  }
  if (clean.size() > max_bytes) clean = clean.substr(0, CharBoundary(clean, max_bytes)) + "...";
  std::string out;
  for (size_t pos = 0; pos < clean.size();) {
    size_t n = CharBoundary(clean.substr(pos), 45);  // 60 base64 chars
    if (n == 0) n = 1;
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + Base64(std::string_view(clean).substr(pos, n)) + "?=";
    pos += n;
  }
  return out;
}

std::string BuildEmail(const OutboxMessage& m, const std::string& from,
                       std::time_t now) {
  std::string head;
  head += "From: oitwatch <" + from + ">\r\n";
  head += "To: <" + m.recipient + ">\r\n";
  head += "Subject: " + EncodeSubject(m.subject) + "\r\n";
  head += "Date: " + RfcDate(now) + "\r\n";
  head += "Message-ID: <oitwatch." + std::to_string(m.id) + "." +
          (m.fingerprint.empty() ? "0" : m.fingerprint) + "@" +
          DomainOf(from) + ">\r\n";
  head += "MIME-Version: 1.0\r\n";
  head += "Content-Type: text/plain; charset=UTF-8\r\n";
  head += "Content-Transfer-Encoding: base64\r\n";
  head += "Auto-Submitted: auto-generated\r\n\r\n";
  std::string body = Base64(ValidUtf8(m.body));
  for (size_t i = 0; i < body.size(); i += 76) {
    head += body.substr(i, 76) + "\r\n";
  }
  return head;
}

}  // namespace oitwatch
