// Internal to the pipeline: include only from app/pipeline*.cc (and
// app/verify.cc and app/stand_in_page.cc, which read a response the same
// way).
// What several of the pipeline's files need to know about a response or a
// URL: whether the fetch succeeded and what its body is, a request kind's
// stored name, a body's content hash, whether a URL is another site's, which
// hits and dates a page yields about itself, and an outlink's rank.
// Thread-safe: plain functions of their arguments.
#ifndef OITWATCH_APP_PIPELINE_INTERNAL_H_
#define OITWATCH_APP_PIPELINE_INTERNAL_H_

#include <string>
#include <vector>

#include "app/pipeline.h"

namespace oitwatch {
namespace pipeline_internal {

// B10: a start page that is only a JavaScript shell (scripts, no links,
// almost no text) cannot be judged without running it.
inline constexpr char kNeedsJsNote[] =
    "start page needs JavaScript: not evaluable";
// B17: a body sent as HTML that is binary (NUL-heavy or mostly control
// bytes in its first 4 KiB) is not parsed; the page keeps this note.
inline constexpr char kBinaryNote[] = "binary body sent as HTML: not parsed";
// A start page that came back 2xx with nothing to read (an empty body, a
// body that is not HTML): the note's prefix, then why. Kept in the page's
// error like the notes above, so a re-use (304) carries it too.
inline constexpr char kUnreadableStartNote[] = "start page unreadable: ";
// A start page that only sends visitors to another host (a meta refresh):
// the note's prefix, then the target URL.
inline constexpr char kMovedNote[] = "start page moved to ";

// The start page's note (above) for a 2xx start page `r` that was not
// re-used and left its facts' error empty: why nothing of it can be read
// ("" if it can). `parsed`: its body was read as HTML or PDF.
std::string UnreadableStartNote(const FetchResult& r, bool parsed);
// Why a fetched start page gives nothing to judge, from its facts' error
// (binary, unparseable, unopenable, or UnreadableStartNote); "" if none.
std::string StartPageUnreadable(const UrlFacts& seed);

// True if a failed fetch left open what the URL holds: a failure that may
// pass (timeout, connection, 5xx, 408/425/429, 403 block, a broken body),
// not an answer that the page is gone (404, 410 and other 4xx).
bool MayPass(const FetchResult& r);

// True if the fetch succeeded (kOk) or confirmed the stored copy
// (kNotModified).
bool IsOk(const FetchResult& r);
// True if typed as PDF or starting with "%PDF-".
bool IsPdf(const FetchResult& r);
// True if sent as HTML, or as text (or untyped) that starts with a tag.
bool IsHtml(const FetchResult& r);
// True if the first 4 KiB are NUL-heavy or mostly control bytes (B17); a
// UTF-16 body (a BOM, or a Content-Type charset naming UTF-16) is not binary.
bool LooksBinary(const std::string& body, const std::string& content_type);

// A document that came back 2xx but that the assessors could not open: an
// empty body, an HTML page (a soft 404, a login page) where a .pdf was
// linked, or a close-delimited PDF without its %%EOF (cut short). `why` of
// it, or "" if the bytes look like the document.
std::string UnopenableDocument(const FetchResult& r);
// Marks `facts` unreadable (broken for the judge) with `why` appended to its
// error as a note that IsUnopenableNote recognises in a stored error (a
// page's note says it is not the linked page any more: StandInPage).
void MarkUnopenable(const std::string& why, UrlFacts* facts);
bool IsUnopenableNote(const std::string& error);

// The stored name of a request kind: "robots", "page", "document", "check".
std::string KindName(RequestKind kind);

// Detects changed content between runs (not a security hash): "x3-" and the
// XXH3-64 of the body in hex. Databases written before it hold FNV-1a 64
// (16 hex digits, no prefix); SameContent understands both.
std::string ContentHash(const std::string& body);

// True if `body` hashes to `stored`, a ContentHash of either form.
bool SameContent(const std::string& body, const std::string& stored);

// True if `url` lies under another site's prefix, or under the first path
// segment of one (/bangrak/... for a site rooted at /bangrak/coverpages).
bool UnderOtherSite(const std::vector<std::string>& prefixes,
                    const std::string& own_prefix, const std::string& url);

// The first path segment prefix of each of `prefixes`, for the faster
// UnderOtherSite below (it runs for every link of every page).
std::vector<std::string> SegmentPrefixes(
    const std::vector<std::string>& prefixes);
// UnderOtherSite with `segments` = SegmentPrefixes(prefixes).
bool UnderOtherSite(const std::vector<std::string>& prefixes,
                    const std::vector<std::string>& segments,
                    const std::string& own_prefix, const std::string& url);

// Hits and dates a page yields about itself (its title, headings, text, or
// a document's text): only a parse of its body produces them. Link-derived
// ones are re-derived from the stored links, URL ones from the URL.
bool IsOwnHit(const Hit& h, const std::string& url);
bool IsOwnDate(const DateFact& d, const std::string& url);

// True if a link's normalised text names an ITA index page (ITA, OIT, the
// integrity and transparency assessment, its public disclosure section).
bool LooksLikeIndex(const std::string& normalized_text);

// Adds to each link part of `from`'s priority, less a cost per hop
// (pipeline_read.cc says why).
void RankOutlinks(const Request& from, std::vector<Outlink>* links);

}  // namespace pipeline_internal
}  // namespace oitwatch

#endif  // OITWATCH_APP_PIPELINE_INTERNAL_H_
