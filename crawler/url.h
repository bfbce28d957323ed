// URL resolution, normalisation and scope: simple URLs by string work
// (url_split.h), the rest through curl's URL API (CURLU), inside url.cc only.
// Pure functions; thread-safe.
#ifndef OITWATCH_CRAWLER_URL_H_
#define OITWATCH_CRAWLER_URL_H_

#include <optional>
#include <string>
#include <string_view>

namespace oitwatch {

// Resolves `href` against `base` and normalises the result: scheme and host
// lower-case, default port dropped, fragment removed, dot segments removed,
// session-id parameters (jsessionid, PHPSESSID, sid, fbclid, utm_*) removed,
// non-ASCII bytes percent-encoded, escaped unreserved characters decoded
// ("/%69ndex" is "/index", "%7E" is "~") and other escapes in upper-case hex
// (RFC 3986 6.2.2), so one resource has one URL. Returns nullopt for
// non-http(s) schemes, unparsable input, or a result longer than
// `max_length` bytes.
std::optional<std::string> ResolveUrl(std::string_view base,
                                      std::string_view href,
                                      size_t max_length = 2048);

// Normalises an absolute URL (same rules as ResolveUrl).
std::optional<std::string> NormalizeUrl(std::string_view url,
                                        size_t max_length = 2048);

// True if `url` holds an escaped unreserved character ("%69", "%7E"): a
// spelling NormalizeUrl no longer gives. URLs stored before it decoded them
// (databases of earlier versions) may be spelled so.
bool HasEscapedUnreserved(std::string_view url);

// "scheme://host:port" of an absolute URL, lower-case; "" if unparsable.
// Politeness, robots.txt and connection budgets are keyed on this.
std::string HostKey(std::string_view url);

// Path (with query) of an absolute URL, "/" if empty.
std::string PathOf(std::string_view url);

// The site's scope prefix: its start URL up to and including the last '/'
// of the path, e.g. "http://h/laksi/" for "http://h/laksi/coverpages" and
// "http://h/laksi/" for "http://h/laksi".
std::string ScopePrefix(std::string_view site_url);

// True if `url` is under `prefix` (same host, path starts with it). http and
// https of one host are one site: many servers upgrade http to https.
bool InScope(std::string_view prefix, std::string_view url);

// True if both URLs name the same host and port, whatever their scheme
// (default ports dropped, so http://h and https://h are the same host).
bool SameHostAnyScheme(std::string_view a, std::string_view b);

// True if the path names a document by its extension: pdf, doc(x), xls(x),
// ppt(x), odt, ods, rtf, zip, rar, 7z, csv, txt.
bool LooksLikeDocument(std::string_view url);

// Crawler-trap filter: true if the path has more than `max_segments`
// segments, a segment repeated more than `max_repeats` times, or a query with
// more than `max_params` parameters.
bool LooksLikeTrap(std::string_view url, int max_segments = 20,
                   int max_repeats = 2, int max_params = 8);

// The same four functions through libcurl's parser alone, without the string
// fast paths of url_split.h that the functions above try first. For tests
// that check both paths agree.
namespace url_reference {
std::optional<std::string> ResolveUrl(std::string_view base,
                                      std::string_view href,
                                      size_t max_length = 2048);
std::optional<std::string> NormalizeUrl(std::string_view url,
                                        size_t max_length = 2048);
std::string HostKey(std::string_view url);
std::string PathOf(std::string_view url);
}  // namespace url_reference

}  // namespace oitwatch

#endif  // OITWATCH_CRAWLER_URL_H_
