// StandInPage: an evidence URL that still answers 2xx but no longer shows
// its page (quirk 13: the CMS removed it). The server sends the site's home
// page instead (a redirect to the start URL, or its bytes under the old
// URL) or a login form. The assessors would find nothing there, so the URL
// is `broken` like an unopenable document (MarkUnopenable), not `pass` on
// the strength of its old link text or the home page's text.
//
// "Shows the home page" is decided on the page's signature (PageSig), not
// its bytes: a home page carries a visitor counter, a CSRF token or a
// clock, so the same page differs from one request to the next.
//
// A link TO the home page (the logo, "หน้าหลัก") is not touched: only a
// URL that is not the start URL itself. Such a URL is judged only if it is
// a candidate for some item's component.
// Thread-safe: plain functions of their arguments.
#ifndef OITWATCH_APP_STAND_IN_PAGE_H_
#define OITWATCH_APP_STAND_IN_PAGE_H_

#include <cstdint>
#include <optional>
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
  std::string sig;     // PageSig of its body; "" unknown or too little text
  std::string title;   // TitleKey of its body; "" unknown
};

// Records the start page `r` (a 2xx or 304 answer) in `home`;
// `stored_hash`, `stored_bytes` and `stored_sig` are those of the stored
// copy a 304 confirmed ("", -1 and "" if none). The pipeline stores
// StoredSig(home) with the start page's row (PageRecord::text_sig): a 304
// brings no body.
void NoteHomePage(const FetchResult& r, const std::string& stored_hash,
                  int64_t stored_bytes, const std::string& stored_sig,
                  HomePage* home);

// What to store as the start page's text_sig: its PageSig and TitleKey.
std::string StoredSig(const HomePage& home);

// A signature of what a visitor sees of `html`: its visible text (title
// included; not scripts, styles or comments) and the targets of its href
// and src attributes, without what changes from one request to the next:
// digits (a counter, a clock, a date; Thai digits too), a short run of
// text between two tags that holds a number (a counter or clock widget,
// "ผู้เข้าชม 123457 คน": it may be on one copy and not on another; the
// title excepted), ASCII words that hold a digit or run 20 bytes or more
// (tokens, hashes, base64), query strings and fragments of targets, and
// every other attribute (a CSRF <meta> or hidden input). Two pages that share the site's chrome differ
// in their own text, images or links, so theirs differ. "" for a page with
// under ~100 bytes of text (a script-drawn shell: every URL of such a site
// looks the same before its script runs). One pass, no parse.
std::string PageSig(std::string_view html);

// The part of PageSig that the page's <title> text makes (the first title
// tag in its first 64 KB, as written), cheap: pages whose titles differ have
// different signatures, so most pages are never signed in full. "" if none.
std::string TitleKey(std::string_view html);

// Why the 2xx answer `r` to a page or document request is not the page the
// URL named: "redirects to the home page (URL)", "shows the home page" or
// "shows a login page"; "" if none of these (and for the start URL).
// `login_page`: IsLoginPage of `r` if already known (read on another
// thread), else found here.
std::string StandInPage(const FetchResult& r, const HomePage& home,
                        std::optional<bool> login_page = std::nullopt);

// True if `why` is one of StandInPage's answers (MarkUnopenable words a
// page's note by it).
bool IsStandInWhy(const std::string& why);

// StandInPage, or else pipeline_internal::UnopenableDocument.
std::string UnusableAnswer(const FetchResult& r, const HomePage& home,
                           std::optional<bool> login_page = std::nullopt);

// True if `html` is a login wall: a form that asks for a password (a
// password input, or a login title/heading over a password field) with at
// most a few links and little text, and that form is the page's content:
// outside its forms and its chrome (nav, header, footer, aside) the page
// has little text of its own. A page with a login box in its sidebar
// beside its own content (a contact page's address) is not.
bool IsLoginPage(std::string_view html, std::string_view content_type,
                 const std::string& url);

}  // namespace oitwatch

#endif  // OITWATCH_APP_STAND_IN_PAGE_H_
