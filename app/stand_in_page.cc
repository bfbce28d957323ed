#include "app/stand_in_page.h"

#include <algorithm>
#include <cctype>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "app/pipeline_internal.h"
#include "crawler/charset.h"
#include "crawler/url.h"
#include "rules/document.h"
#include "rules/thai_text.h"

namespace oitwatch {
namespace {

using pipeline_internal::ContentHash;
using pipeline_internal::IsHtml;
using pipeline_internal::IsPdf;
using pipeline_internal::SameContent;
using pipeline_internal::UnopenableDocument;

constexpr char kRedirectsHome[] = "redirects to the home page ";
constexpr char kShowsHome[] = "shows the home page";
constexpr char kShowsLogin[] = "shows a login page";

// A login wall: links (its own menu of a few) and text bytes at most.
constexpr size_t kLoginMaxLinks = 8;
constexpr size_t kLoginMaxText = 1500;
// A login wall's own text outside its forms and chrome: a heading and a
// short line ("สำหรับเจ้าหน้าที่") at most. A contact page's address and
// phone alone are more.
constexpr size_t kLoginMaxOwnText = 160;

// PageSig: a page with less visible text than this has no signature (a
// script-drawn shell); an ASCII word this long is a token, not a word.
constexpr size_t kSigMinText = 100;
constexpr size_t kSigLongWord = 20;
constexpr size_t kSigMaxBytes = 8u << 20;
// PageSig: a run of text (between two tags) with a number in it and at most
// this many bytes (spaces not counted) is a counter, a clock or a date line
// ("ผู้เข้าชม 123457 คน", "อัปเดต 12:05"): left out whole.
constexpr size_t kSigWidgetText = 80;

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return out;
}

// `url` normalised, without "http://" or "https://" (an http start URL and
// its https landing are one page); "" if it does not parse.
std::string Key(const std::string& url) {
  std::string n = NormalizeUrl(url).value_or("");
  const size_t colon = n.find("://");
  return colon == std::string::npos ? "" : n.substr(colon + 3);
}

bool IsHome(const HomePage& home, const std::string& url) {
  const std::string key = Key(url);
  return !key.empty() &&
         std::find(home.urls.begin(), home.urls.end(), key) != home.urls.end();
}

// "password" or "Password" (a password input's type is written so) or
// "รหัสผ่าน" anywhere. Two memmem passes, not a scan per 'p' (everywhere in
// HTML, <p>): this runs over every page fetched.
bool MentionsPassword(std::string_view html) {
  auto has = [html](std::string_view word) {
    return memmem(html.data(), html.size(), word.data(), word.size()) !=
           nullptr;
  };
  return has("assword") || has("รหัสผ่าน");
}

// Where the first <input> whose type is password starts; npos if none.
size_t PasswordInputAt(const std::string& lower_html) {
  for (size_t at = lower_html.find("<input"); at != std::string::npos;
       at = lower_html.find("<input", at + 6)) {
    const size_t end = lower_html.find('>', at);
    const std::string_view tag =
        std::string_view(lower_html).substr(at, end == std::string::npos
                                                    ? std::string::npos
                                                    : end - at);
    for (const char* t : {"type=\"password\"", "type='password'",
                          "type=password"}) {
      if (tag.find(t) != std::string_view::npos) return at;
    }
  }
  return std::string::npos;
}

bool NamesLogin(const std::string& lower_text) {
  for (const char* w : {"เข้าสู่ระบบ", "ลงชื่อเข้าใช้", "login", "log in",
                        "sign in", "signin"}) {
    if (lower_text.find(w) != std::string::npos) return true;
  }
  return false;
}

bool IsSpace(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

bool IsAsciiAlnum(unsigned char c) {
  return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

// True if lower-case `html` has the start tag `<name` at `at` (not a
// longer name: "<head" is not "<header").
bool IsTagAt(std::string_view html, size_t at, std::string_view name) {
  if (html.compare(at, 1, "<") != 0 || html.compare(at + 1, name.size(), name))
    return false;
  const size_t next = at + 1 + name.size();
  return next >= html.size() || IsSpace(html[next]) || html[next] == '>' ||
         html[next] == '/';
}

// Where the element whose start tag is at `at` ends (past its end tag),
// nested elements of the same name counted; npos if it does not end.
size_t SkipElement(std::string_view html, size_t at, std::string_view name) {
  const std::string close = "</" + std::string(name);
  int depth = 0;
  for (size_t i = at;;) {
    const size_t end = html.find(close, i);
    if (end == std::string_view::npos) return end;
    size_t open = html.find('<', i);
    while (open < end && !IsTagAt(html, open, name)) open = html.find('<', open + 1);
    if (open < end) {
      ++depth;
      i = open + 1;
      continue;
    }
    if (--depth <= 0) {
      const size_t gt = html.find('>', end);
      return gt == std::string_view::npos ? gt : gt + 1;
    }
    i = end + close.size();
  }
}

// Where the raw-text element (script, style) or comment at `at` ends; npos
// if it does not.
size_t SkipRaw(std::string_view lower, size_t at) {
  if (lower.compare(at, 4, "<!--") == 0) {
    const size_t end = lower.find("-->", at + 4);
    return end == std::string_view::npos ? end : end + 3;
  }
  for (const char* name : {"script", "style"}) {
    if (!IsTagAt(lower, at, name)) continue;
    const size_t end = lower.find(std::string("</") + name, at);
    if (end == std::string_view::npos) return end;
    const size_t gt = lower.find('>', end);
    return gt == std::string_view::npos ? gt : gt + 1;
  }
  return at;  // none here
}

// Visible text bytes (spaces not counted) of lower-case `html` outside its
// head, forms and chrome (nav, header, footer, aside): what a login wall has
// almost none of.
size_t OwnText(std::string_view lower) {
  size_t n = 0;
  for (size_t i = 0; i < lower.size();) {
    if (lower[i] != '<') {
      n += IsSpace(lower[i]) ? 0 : 1;
      ++i;
      continue;
    }
    size_t next = SkipRaw(lower, i);
    for (const char* name :
         {"head", "form", "nav", "header", "footer", "aside", "noscript",
          "template"}) {
      if (next == i && IsTagAt(lower, i, name)) next = SkipElement(lower, i, name);
    }
    if (next == i) {
      const size_t gt = lower.find('>', i);
      next = gt == std::string_view::npos ? gt : gt + 1;
    }
    if (next == std::string_view::npos) break;
    i = next;
  }
  return n;
}

// True if `at` in lower-case `html` lies inside an <aside> (a sidebar).
bool InAside(std::string_view html, size_t at) {
  int open = 0;
  for (size_t i = html.find("<aside"); i < at; i = html.find("<aside", i + 6)) {
    open += IsTagAt(html, i, "aside") ? 1 : 0;
  }
  for (size_t i = html.find("</aside"); i < at; i = html.find("</aside", i + 7)) {
    --open;
  }
  return open > 0;
}

// PageSig's hash (FNV-1a 64) over the normalised text fed to it.
class Signer {
 public:
  // Feeds `s`: ASCII words with a digit or kSigLongWord bytes long are
  // dropped, Thai digits too, a run of spaces is one; a numeric character
  // reference goes in whole (Thai text may be written so). `visible` text
  // counts towards kSigMinText.
  void Feed(std::string_view s, bool visible) {
    for (size_t i = 0; i < s.size(); ++i) {
      const unsigned char c = s[i];
      if (IsAsciiAlnum(c)) {
        if (word_.size() < kSigLongWord) word_.push_back(static_cast<char>(c));
        else long_word_ = true;
        digit_ = digit_ || (c >= '0' && c <= '9');
        continue;
      }
      EndWord(visible);
      if (IsSpace(c)) {
        space_ = true;
      } else if (c == 0xE0 && i + 2 < s.size() &&
                 static_cast<unsigned char>(s[i + 1]) == 0xB9 &&
                 static_cast<unsigned char>(s[i + 2]) >= 0x90 &&
                 static_cast<unsigned char>(s[i + 2]) <= 0x99) {
        i += 2;  // a Thai digit (U+0E50..U+0E59)
      } else if (c == '&' && i + 1 < s.size() && s[i + 1] == '#') {
        const size_t semi = s.find(';', i);
        const size_t end = semi != std::string_view::npos && semi - i <= 10
                               ? semi
                               : i;
        for (; i <= end; ++i) Put(s[i], visible);
        --i;
      } else {
        Put(c, visible);
      }
    }
    EndWord(visible);
  }

  void Break() { space_ = true; }

  // The hash whatever the length of the text fed ("k-" and 16 hex digits).
  std::string Key() const {
    char buf[24];
    std::snprintf(buf, sizeof buf, "k-%016" PRIx64, hash_);
    return buf;
  }

  std::string Done() const {
    if (text_ < kSigMinText) return "";
    char buf[24];
    std::snprintf(buf, sizeof buf, "t1-%016" PRIx64, hash_);
    return buf;
  }

 private:
  void EndWord(bool visible) {
    if (!word_.empty() && !digit_ && !long_word_) {
      for (char c : word_) Put(c, visible);
    }
    word_.clear();
    digit_ = long_word_ = false;
  }

  void Put(char c, bool visible) {
    if (space_ && started_) Mix(' ');
    space_ = false;
    started_ = true;
    Mix(static_cast<unsigned char>(c));
    text_ += visible ? 1 : 0;
  }

  void Mix(unsigned char c) {
    hash_ ^= c;
    hash_ *= 1099511628211ull;
  }

  uint64_t hash_ = 1469598103934665603ull;
  std::string word_;
  bool digit_ = false, long_word_ = false, space_ = false, started_ = false;
  size_t text_ = 0;
};

// Feeds the href and src targets of the start tag `tag` (`lower` is it in
// lower case), without query or fragment.
void FeedTargets(std::string_view tag, std::string_view lower, Signer* sig) {
  for (std::string_view name : {"href", "src"}) {
    for (size_t at = lower.find(name); at != std::string_view::npos;
         at = lower.find(name, at + name.size())) {
      if (at == 0 || !IsSpace(lower[at - 1])) continue;
      size_t i = at + name.size();
      while (i < lower.size() && IsSpace(lower[i])) ++i;
      if (i >= lower.size() || lower[i] != '=') continue;
      ++i;
      while (i < lower.size() && IsSpace(lower[i])) ++i;
      const char quote = i < tag.size() && (tag[i] == '"' || tag[i] == '\'')
                             ? tag[i]
                             : '\0';
      if (quote) ++i;
      size_t end = i;
      while (end < tag.size() && (quote ? tag[end] != quote
                                        : !IsSpace(tag[end]) && tag[end] != '>')) {
        ++end;
      }
      std::string_view target = tag.substr(i, end - i);
      target = target.substr(0, target.find_first_of("?#"));
      sig->Break();
      sig->Feed(target, false);
      sig->Break();
      break;
    }
  }
}

// True if the text run `s` is a widget's (kSigWidgetText): short, with an
// ASCII or Thai digit in it (not a numeric character reference's: Thai
// text may be written so).
bool WidgetText(std::string_view s) {
  bool digit = false;
  size_t bytes = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = s[i];
    if (IsSpace(c)) continue;
    if (++bytes > kSigWidgetText) return false;
    if (c == '&' && i + 1 < s.size() && s[i + 1] == '#') {
      const size_t semi = s.find(';', i);
      if (semi != std::string_view::npos && semi - i <= 10) {
        bytes += semi - i;
        i = semi;
        continue;
      }
    }
    digit = digit || (c >= '0' && c <= '9') ||
            (c == 0xE0 && i + 2 < s.size() &&
             static_cast<unsigned char>(s[i + 1]) == 0xB9 &&
             static_cast<unsigned char>(s[i + 2]) >= 0x90 &&
             static_cast<unsigned char>(s[i + 2]) <= 0x99);
  }
  return digit;
}

}  // namespace

std::string PageSig(std::string_view html) {
  html = html.substr(0, std::min(html.size(), kSigMaxBytes));
  const std::string lower = Lower(html);
  Signer sig;
  bool in_title = false;  // the title is the page's own: always fed
  for (size_t i = 0; i < html.size();) {
    if (html[i] != '<') {
      const size_t lt = std::min(html.find('<', i), html.size());
      const std::string_view text = html.substr(i, lt - i);
      // A counter or clock may be on one copy of the home page and not on
      // another (a widget drawn for some requests only): not part of it.
      if (in_title || !WidgetText(text)) sig.Feed(text, true);
      i = lt;
      continue;
    }
    sig.Break();  // a tag parts words
    in_title = IsTagAt(lower, i, "title");
    size_t next = SkipRaw(lower, i);
    if (next == i) {
      next = lower.find('>', i);
      if (next != std::string::npos) {
        ++next;
        FeedTargets(html.substr(i, next - i),
                    std::string_view(lower).substr(i, next - i), &sig);
      }
    }
    if (next == std::string::npos) break;
    i = next;
  }
  return sig.Done();
}

std::string TitleKey(std::string_view html) {
  html = html.substr(0, std::min<size_t>(html.size(), 64u << 10));
  size_t open = std::string_view::npos;
  for (std::string_view tag : {"<title", "<TITLE", "<Title"}) {
    open = std::min(open, html.find(tag));
  }
  if (open == std::string_view::npos) return "";
  const size_t text = html.find('>', open);
  if (text == std::string_view::npos) return "";
  const size_t close = html.find('<', text + 1);
  Signer sig;
  sig.Feed(html.substr(text + 1, close == std::string_view::npos
                                     ? std::string_view::npos
                                     : close - text - 1),
           true);
  return sig.Key();
}

void NoteHomePage(const FetchResult& r, const std::string& stored_hash,
                  int64_t stored_bytes, const std::string& stored_sig,
                  HomePage* home) {
  home->urls.clear();
  for (const std::string& url :
       {r.request.url, r.final_url, ScopePrefix(r.request.url)}) {
    std::string key = Key(url);
    if (!key.empty()) home->urls.push_back(std::move(key));
  }
  home->hash = r.body.empty() ? stored_hash : ContentHash(r.body);
  home->bytes = r.body.empty() ? stored_bytes
                               : static_cast<int64_t>(r.body.size());
  if (!r.body.empty()) {
    home->sig = PageSig(r.body);
    home->title = TitleKey(r.body);
  } else {  // "<sig>;<title key>" (StoredSig), or a bare sig from before
    const size_t semi = stored_sig.find(';');
    home->sig = stored_sig.substr(0, semi);
    home->title =
        semi == std::string::npos ? "" : stored_sig.substr(semi + 1);
  }
}

std::string StoredSig(const HomePage& home) {
  return home.title.empty() ? home.sig : home.sig + ";" + home.title;
}

std::string StandInPage(const FetchResult& r, const HomePage& home,
                        std::optional<bool> login_page) {
  const RequestKind kind = r.request.kind;
  if ((kind != RequestKind::kPage && kind != RequestKind::kDocument) ||
      r.outcome != FetchOutcome::kOk || r.request.depth == 0 ||
      home.urls.empty() || IsHome(home, r.request.url)) {
    return "";
  }
  if (!r.final_url.empty() && r.final_url != r.request.url &&
      IsHome(home, r.final_url)) {
    return kRedirectsHome + r.final_url;
  }
  if (r.body.empty() || IsPdf(r) || !IsHtml(r)) return "";
  // Only a body of the home page's size can be its bytes: the others (all
  // but a few) are not hashed here a second time.
  const bool same_size = home.bytes < 0 ||
                         static_cast<int64_t>(r.body.size()) == home.bytes;
  if (!home.hash.empty() && same_size && SameContent(r.body, home.hash)) {
    return kShowsHome;
  }
  // Its bytes with another visitor count, token or clock: its signature.
  // Only a body near the home page's size is read (a counter or a token
  // moves the size a little; most pages are far from it).
  const int64_t size = static_cast<int64_t>(r.body.size());
  const bool near_size = home.bytes < 0 ||
                         std::abs(size - home.bytes) <= home.bytes / 8 + 512;
  if (!home.sig.empty() && near_size &&
      (home.title.empty() || TitleKey(r.body) == home.title) &&
      PageSig(r.body) == home.sig) {
    return kShowsHome;
  }
  const std::string& at = r.final_url.empty() ? r.request.url : r.final_url;
  if (login_page ? *login_page : IsLoginPage(r.body, r.content_type, at)) {
    return kShowsLogin;
  }
  return "";
}

bool IsStandInWhy(const std::string& why) {
  return why.starts_with(kRedirectsHome) || why == kShowsHome ||
         why == kShowsLogin;
}

std::string UnusableAnswer(const FetchResult& r, const HomePage& home,
                           std::optional<bool> login_page) {
  std::string why = StandInPage(r, home, login_page);
  return why.empty() ? UnopenableDocument(r) : why;
}

bool IsLoginPage(std::string_view html, std::string_view content_type,
                 const std::string& url) {
  html = html.substr(0, std::min<size_t>(html.size(), 256u << 10));
  if (!MentionsPassword(html)) return false;  // most pages stop here
  const std::string lower = Lower(html);
  if (lower.find("<form") == std::string::npos) return false;
  const size_t password_at = PasswordInputAt(lower);
  const bool password_input = password_at != std::string::npos;
  if (password_input && InAside(lower, password_at)) return false;  // a box
  Document doc;
  std::string err;
  const std::string utf8 = DecodeToUtf8(html, content_type).utf8;
  if (!ParseHtml(utf8, url, DocumentLimits(), &doc, &err)) return false;
  if (doc.links.size() > kLoginMaxLinks ||
      NormalizeThai(doc.text).size() > kLoginMaxText ||
      OwnText(Lower(utf8)) > kLoginMaxOwnText) {
    return false;
  }
  return password_input || NamesLogin(Lower(NormalizeThai(doc.title)) + "\n" +
                                      Lower(NormalizeThai(doc.headings)));
}

}  // namespace oitwatch
