// StandInPage: an evidence URL that still answers 2xx but no longer shows
// its page (quirk 13: the CMS removed it). The server sends the site's home
// page instead (a redirect to the start URL, or its bytes under the old
// URL) or a login form. The assessors would find nothing there, so the URL
// is `broken` like an unopenable document (MarkUnopenable), not `pass` on
// the strength of its old link text or the home page's text.
//
// A link TO the home page (the logo, "หน้าหลัก") is not touched: only a
// URL that is not the start URL itself. Such a URL is judged only if it is
// a candidate for some item's component.
// Thread-safe: plain functions of their arguments.
#ifndef OITWATCH_APP_STAND_IN_PAGE_H_
#define OITWATCH_APP_STAND_IN_PAGE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "crawler/fetch_result.h"

namespace oitwatch {

// What the site's start page is, once it has been fetched.
struct HomePage {
  std::vector<std::string> urls;  // start URL, where it landed, its scope
                                  // prefix: normalised, without the scheme
  std::string hash;  // pipeline_internal ContentHash of its body; "" unknown
  int64_t bytes = -1;  // its body's size; -1 unknown (then only the hash)
};

// Records the start page `r` (a 2xx or 304 answer) in `home`;
// `stored_hash` and `stored_bytes` are those of the stored copy a 304
// confirmed ("" and -1 if none).
void NoteHomePage(const FetchResult& r, const std::string& stored_hash,
                  int64_t stored_bytes, HomePage* home);

// Why the 2xx answer `r` to a page or document request is not the page the
// URL named: "redirects to the home page (URL)", "shows the home page" or
// "shows a login page"; "" if none of these (and for the start URL).
std::string StandInPage(const FetchResult& r, const HomePage& home);

// True if `why` is one of StandInPage's answers (MarkUnopenable words a
// page's note by it).
bool IsStandInWhy(const std::string& why);

// StandInPage, or else pipeline_internal::UnopenableDocument.
std::string UnusableAnswer(const FetchResult& r, const HomePage& home);

// True if `html` is a login wall: a form that asks for a password (a
// password input, or a login title/heading over a password field) with at
// most a few links and little text. A page with a login box in its sidebar
// beside its own content is not.
bool IsLoginPage(std::string_view html, std::string_view content_type,
                 const std::string& url);

}  // namespace oitwatch

#endif  // OITWATCH_APP_STAND_IN_PAGE_H_
