#include "crawler/challenge_page.h"

#include <algorithm>
#include <cctype>
#include <string_view>

namespace oitwatch {
namespace {

// Only this much of a 2xx body is scanned: a challenge page is a few KiB
// (Cloudflare's with its inline script ~30 KiB), a real page may be MBs.
constexpr size_t kScanBytes = 256u << 10;
// "Almost no links": a challenge page has none, or one to the vendor.
constexpr int kMaxLinks = 3;
// "Little text": visible bytes outside tags, scripts and styles (a Thai
// "please confirm you are human" heading is ~150 bytes of UTF-8).
constexpr size_t kMaxCaptchaText = 600;

char Lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c | 0x20) : c;
}

// Position of `lower_needle` (lower-case ASCII) in `hay` at or after
// `from`, ASCII case ignored; npos if none. The first byte is found with
// memchr in both cases: this runs over every page fetched.
size_t FindNoCase(std::string_view hay, std::string_view lower_needle,
                  size_t from = 0) {
  constexpr size_t kNone = std::string_view::npos;
  if (lower_needle.empty()) return from <= hay.size() ? from : kNone;
  const char lower = lower_needle[0];
  const char upper =
      lower >= 'a' && lower <= 'z' ? static_cast<char>(lower - 32) : lower;
  size_t at_lower = hay.find(lower, from);
  size_t at_upper = upper == lower ? kNone : hay.find(upper, from);
  while (at_lower != kNone || at_upper != kNone) {
    const size_t at = std::min(at_lower, at_upper);
    if (at + lower_needle.size() > hay.size()) return kNone;
    size_t i = 1;
    while (i < lower_needle.size() && Lower(hay[at + i]) == lower_needle[i]) ++i;
    if (i == lower_needle.size()) return at;
    if (at == at_lower) at_lower = hay.find(lower, at + 1);
    if (at == at_upper) at_upper = hay.find(upper, at + 1);
  }
  return kNone;
}

bool Has(std::string_view hay, std::string_view needle) {
  return FindNoCase(hay, needle) != std::string_view::npos;
}

bool LooksHtml(const std::string& content_type, std::string_view body) {
  if (Has(content_type, "html")) return true;
  const size_t first = body.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
  return (content_type.empty() || Has(content_type, "text/")) &&
         first != std::string_view::npos && body[first] == '<';
}

// The <title>'s text, trimmed ("" without one).
std::string_view Title(std::string_view html) {
  size_t open = FindNoCase(html, "<title");
  if (open == std::string_view::npos) return "";
  open = html.find('>', open);
  if (open == std::string_view::npos) return "";
  const size_t close = FindNoCase(html, "</title", open);
  if (close == std::string_view::npos) return "";
  std::string_view t = html.substr(open + 1, close - open - 1);
  const size_t b = t.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return "";
  return t.substr(b, t.find_last_not_of(" \t\r\n") - b + 1);
}

// <a> elements, up to kMaxLinks + 1.
int Links(std::string_view html) {
  int n = 0;
  for (size_t at = FindNoCase(html, "<a"); at != std::string_view::npos;
       at = FindNoCase(html, "<a", at + 2)) {
    const char next = at + 2 < html.size() ? html[at + 2] : '>';
    if (next == ' ' || next == '\t' || next == '\n' || next == '\r' ||
        next == '>') {
      if (++n > kMaxLinks) break;
    }
  }
  return n;
}

// Bytes of visible text: not tags, comments, scripts or styles; spaces not
// counted. Stops counting past `cap`.
size_t VisibleText(std::string_view html, size_t cap) {
  size_t n = 0;
  for (size_t i = 0; i < html.size() && n <= cap;) {
    if (html[i] != '<') {
      n += std::isspace(static_cast<unsigned char>(html[i])) ? 0 : 1;
      ++i;
      continue;
    }
    std::string_view end = ">";
    if (html.compare(i, 4, "<!--") == 0) end = "-->";
    else if (FindNoCase(html.substr(i, 7), "<script") == 0) end = "</script";
    else if (FindNoCase(html.substr(i, 6), "<style") == 0) end = "</style";
    const size_t close = FindNoCase(html, end, i + 1);
    if (close == std::string_view::npos) break;
    i = html.find('>', close);
    if (i == std::string_view::npos) break;
    ++i;
  }
  return n;
}

bool IsCloudflareTitle(std::string_view title) {
  return title == "Just a moment..." ||
         title == "Attention Required! | Cloudflare" ||
         title == "Please Wait... | Cloudflare";
}

// Cloudflare's challenge runs from _cf_chl_opt and .../orchestrate/...; its
// bot-detection script on real pages (/cdn-cgi/challenge-platform/scripts/
// jsd/) does not.
bool RunsCloudflareChallenge(std::string_view html) {
  return Has(html, "_cf_chl_opt") ||
         (Has(html, "/cdn-cgi/challenge-platform/") && Has(html, "orchestrate/"));
}

// The start tag at `at` (to its '>', or the rest of `html`).
std::string_view TagAt(std::string_view html, size_t at) {
  const size_t end = html.find('>', at);
  return html.substr(at, end == std::string_view::npos ? end : end - at);
}

// True if `html` asks its visitor for something of their own besides the
// captcha: a <textarea>, an email or phone input, or an input named for a
// name, address, subject or message. A contact form does, a wall does not
// (its widget's own fields, g-recaptcha-response and the like, and a
// "type the letters" box name the captcha). Hidden and button inputs are
// nobody's fields.
bool AsksForUserFields(std::string_view html) {
  for (size_t at = FindNoCase(html, "<textarea"); at != std::string_view::npos;
       at = FindNoCase(html, "<textarea", at + 9)) {
    const std::string_view tag = TagAt(html, at);
    if (!Has(tag, "captcha") && !Has(tag, "turnstile")) return true;
  }
  for (size_t at = FindNoCase(html, "<input"); at != std::string_view::npos;
       at = FindNoCase(html, "<input", at + 6)) {
    const std::string_view tag = TagAt(html, at);
    if (Has(tag, "captcha") || Has(tag, "turnstile") || Has(tag, "hidden") ||
        Has(tag, "submit") || Has(tag, "button") || Has(tag, "password")) {
      continue;
    }
    if (Has(tag, "\"email\"") || Has(tag, "\"tel\"") || Has(tag, "=email") ||
        Has(tag, "=tel")) {
      return true;
    }
    for (const char* field : {"name=\"name", "name='name", "name=name", "mail",
                              "phone", "subject", "message", "msg", "address",
                              "ชื่อ", "อีเมล", "โทร"}) {
      if (Has(tag, field)) return true;
    }
  }
  return false;
}

bool IsCaptchaWall(std::string_view html) {
  return (Has(html, "g-recaptcha") || Has(html, "h-captcha") ||
          Has(html, "cf-turnstile")) &&
         VisibleText(html, kMaxCaptchaText) <= kMaxCaptchaText &&
         !AsksForUserFields(html);
}

bool Is2xxChallenge(const ChallengeSigns& r) {
  std::string_view html = *r.body;
  if (html.size() > kScanBytes) html = html.substr(0, kScanBytes);
  if (!LooksHtml(*r.content_type, html) || Links(html) > kMaxLinks) {
    return false;
  }
  return IsCloudflareTitle(Title(html)) || RunsCloudflareChallenge(html) ||
         IsCaptchaWall(html);
}

}  // namespace

bool IsChallengePage(const ChallengeSigns& r) {
  if (r.cf_mitigated) return true;
  if (r.status == 403 || r.status == 503) {
    for (const char* marker :
         {"cf-chl", "Just a moment...", "Attention Required! | Cloudflare"}) {
      if (r.body->find(marker) != std::string::npos) return true;
    }
    return false;
  }
  return r.status >= 200 && r.status < 300 && r.status != 204 &&
         Is2xxChallenge(r);
}

std::string ChallengeNote() {
  return "a bot challenge or captcha page, not the content";
}

}  // namespace oitwatch
