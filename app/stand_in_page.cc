#include "app/stand_in_page.h"

#include <algorithm>
#include <cctype>
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

// An <input> whose type is password.
bool HasPasswordInput(const std::string& lower_html) {
  for (size_t at = lower_html.find("<input"); at != std::string::npos;
       at = lower_html.find("<input", at + 6)) {
    const size_t end = lower_html.find('>', at);
    const std::string_view tag =
        std::string_view(lower_html).substr(at, end == std::string::npos
                                                    ? std::string::npos
                                                    : end - at);
    for (const char* t : {"type=\"password\"", "type='password'",
                          "type=password"}) {
      if (tag.find(t) != std::string_view::npos) return true;
    }
  }
  return false;
}

bool NamesLogin(const std::string& lower_text) {
  for (const char* w : {"เข้าสู่ระบบ", "ลงชื่อเข้าใช้", "login", "log in",
                        "sign in", "signin"}) {
    if (lower_text.find(w) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

void NoteHomePage(const FetchResult& r, const std::string& stored_hash,
                  int64_t stored_bytes, HomePage* home) {
  home->urls.clear();
  for (const std::string& url :
       {r.request.url, r.final_url, ScopePrefix(r.request.url)}) {
    std::string key = Key(url);
    if (!key.empty()) home->urls.push_back(std::move(key));
  }
  home->hash = r.body.empty() ? stored_hash : ContentHash(r.body);
  home->bytes = r.body.empty() ? stored_bytes
                               : static_cast<int64_t>(r.body.size());
}

std::string StandInPage(const FetchResult& r, const HomePage& home) {
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
  const std::string& at = r.final_url.empty() ? r.request.url : r.final_url;
  if (IsLoginPage(r.body, r.content_type, at)) return kShowsLogin;
  return "";
}

bool IsStandInWhy(const std::string& why) {
  return why.starts_with(kRedirectsHome) || why == kShowsHome ||
         why == kShowsLogin;
}

std::string UnusableAnswer(const FetchResult& r, const HomePage& home) {
  std::string why = StandInPage(r, home);
  return why.empty() ? UnopenableDocument(r) : why;
}

bool IsLoginPage(std::string_view html, std::string_view content_type,
                 const std::string& url) {
  html = html.substr(0, std::min<size_t>(html.size(), 256u << 10));
  if (!MentionsPassword(html)) return false;  // most pages stop here
  const std::string lower = Lower(html);
  if (lower.find("<form") == std::string::npos) return false;
  const bool password_input = HasPasswordInput(lower);
  Document doc;
  std::string err;
  const std::string utf8 = DecodeToUtf8(html, content_type).utf8;
  if (!ParseHtml(utf8, url, DocumentLimits(), &doc, &err)) return false;
  if (doc.links.size() > kLoginMaxLinks ||
      NormalizeThai(doc.text).size() > kLoginMaxText) {
    return false;
  }
  return password_input || NamesLogin(Lower(NormalizeThai(doc.title)) + "\n" +
                                      Lower(NormalizeThai(doc.headings)));
}

}  // namespace oitwatch
