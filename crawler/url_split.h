// String-level fast paths for url.cc: splitting, normalising and resolving
// URLs that are already simple (ASCII, lower-case scheme and host, no
// userinfo, no fragment, no dot segments). They run for every link of every
// page, where libcurl's URL parser cost a third of the link work. Each
// function returns nullopt when its input is not simple; url.cc then takes
// the libcurl path, so results never depend on which path ran (url_test
// checks both agree over a table of awkward inputs).
// Pure functions; thread-safe.
#ifndef OITWATCH_CRAWLER_URL_SPLIT_H_
#define OITWATCH_CRAWLER_URL_SPLIT_H_

#include <optional>
#include <string>
#include <string_view>

namespace oitwatch {

// Views into an absolute simple URL "scheme://host[:port]/path[?query]".
struct UrlParts {
  std::string_view scheme;  // "http" or "https"
  std::string_view host;    // lower-case name or dotted-quad IPv4
  std::string_view port;    // digits as written, "" if none
  std::string_view path;    // starts with '/'
  std::string_view query;   // without '?'
  bool has_query = false;   // a '?' was present (query may be empty)

  // The port as written, else the scheme's default ("80" / "443").
  std::string_view PortOrDefault() const;
  bool DefaultPort() const;  // no port, or the scheme's default written out
};

// Splits `url` if it is simple (see above); nullopt otherwise.
std::optional<UrlParts> SplitSimpleUrl(std::string_view url);

// NormalizeUrl for a simple URL; nullopt if not simple (or too long: then
// the slow path says the same).
std::optional<std::string> FastNormalizeUrl(std::string_view url,
                                            size_t max_length);

// ResolveUrl for a simple base and a simple reference: a relative path,
// an absolute path, a query or an absolute http(s) URL, made of printable
// ASCII that needs no escaping. nullopt when either is not simple.
std::optional<std::string> FastResolveUrl(std::string_view base,
                                          std::string_view href,
                                          size_t max_length);

// RFC 3986 5.2.4 remove_dot_segments on a path starting with '/'.
std::string RemoveDotSegments(std::string_view path);

// Helpers shared with url.cc's libcurl path (the same rules on both paths).
// NormalizeEscapes: escaped unreserved characters decoded ("%7E" -> "~",
// "%69" -> "i"), other escapes in upper-case hex ("%e0" -> "%E0"), as RFC
// 3986 6.2.2.1-2 says; reserved ones ("%2F", "%3F") stay escaped.
std::string NormalizeEscapes(std::string text);
std::string StripSessionParams(std::string_view query);
std::string StripPathSession(std::string path);
// Also decodes dot segments (DecodeDotSegments).
std::string CleanHref(std::string_view href);

// A path segment "%2e" or "%2e%2e" (".%2e", "%2E."; any case) is a dot
// segment to a browser (WHATWG URL standard), but a name to RFC 3986 and
// libcurl: "/laksi/%2e%2e/dusit/" is /dusit/'s page, not under /laksi/. Each
// such segment of `url`'s path (before any '?' or '#') becomes "." or "..",
// so both URL paths remove it as a dot segment; the rest is kept as is.
std::string DecodeDotSegments(std::string_view url);

}  // namespace oitwatch

#endif  // OITWATCH_CRAWLER_URL_SPLIT_H_
