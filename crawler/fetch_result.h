// What one fetch asks for and what it brings back: the values that flow from
// the frontier through the fetcher to the pipeline and into storage.
//
// Failures of the outside world (timeouts, 403s, DNS errors, blocked
// addresses, oversize bodies) are FetchOutcome values, never error returns.
// Plain values; thread-compatible.
#ifndef OITWATCH_CRAWLER_FETCH_RESULT_H_
#define OITWATCH_CRAWLER_FETCH_RESULT_H_

#include <chrono>
#include <cstdint>
#include <string>

namespace oitwatch {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;

enum class RequestKind {
  kRobots,    // robots.txt at a host root
  kPage,      // an HTML page inside the site's prefix: parsed, links followed
  kDocument,  // a PDF/DOC/XLS... on the site's host: text extracted, not crawled
  kCheck,     // a link to another host: checked for reachability, not crawled
};

struct Request {
  std::string url;
  std::string site_id;       // empty for robots.txt (shared by the host)
  RequestKind kind = RequestKind::kPage;
  int depth = 0;             // hops from the site's start URL
  int priority = 0;          // higher first within a site
  std::string found_on;      // the page that linked here (empty for the seed)
  bool from_https = false;   // found_on was served over https (after its
                             // redirects: an http:// start URL may land there)
  std::string link_text;     // anchor text of that link
  std::string etag;          // for conditional requests (If-None-Match)
  std::string last_modified; // for conditional requests (If-Modified-Since)
  int attempt = 0;           // retries so far
};

enum class FetchOutcome {
  kOk,             // a 2xx response with a complete body
  kNotModified,    // 304 to a conditional request
  kHttpError,      // a 4xx/5xx response (see http_status)
  kBlocked,        // 403/451, or a WAF/Cloudflare challenge page
  kRateLimited,    // 429/503 after the retries ran out
  kDnsError,       // name did not resolve
  kConnectError,   // refused, unreachable
  kTlsError,       // certificate or handshake failure
  kTimeout,        // connect, total or low-speed timeout
  kTooLarge,       // decoded body over the cap (declared or counted)
  kTooManyRedirects,
  kBadContent,     // broken encoding, truncated body, protocol garbage
  kForbiddenAddress,  // SSRF guard refused the resolved address
  kUnsupportedScheme, // not http/https (also after a redirect)
  kRobotsDisallowed,  // never sent: robots.txt disallows it
  kSkipped,        // never sent: budget, trap filter or watchdog
};

// Stable lower-case name, e.g. "timeout", used in storage and reports.
const char* FetchOutcomeName(FetchOutcome outcome);
// Inverse of FetchOutcomeName; returns false for an unknown name.
bool ParseFetchOutcome(const std::string& name, FetchOutcome* outcome);

struct FetchResult {
  Request request;
  FetchOutcome outcome = FetchOutcome::kOk;
  int http_status = 0;          // 0 when no response was received
  std::string final_url;        // after redirects
  std::string content_type;     // as sent, e.g. "text/html; charset=tis-620"
  std::string body;             // decoded (not charset-converted) bytes
  std::string etag;
  std::string last_modified;    // the raw HTTP-date header value
  std::string retry_after;      // raw header, on 429/503
  std::string error;            // human-readable detail for non-kOk outcomes
                                // (for kOk: notes, e.g. a downgrade)
  // A24: the first plain-http URL this fetch went to after an https one (a
  // redirect hop, or the URL itself when an https page linked to it); ""
  // if none. The hop is still followed: the finding is recorded, not fatal.
  std::string downgraded_to;
  // A9: a close-delimited body (no Content-Length, not chunked): a cut could
  // not be told from its end (`error` carries the note too).
  bool length_unverified = false;
  int64_t fetched_at_unix = 0;  // wall clock, UTC seconds
  double elapsed_seconds = 0;
};

}  // namespace oitwatch

#endif  // OITWATCH_CRAWLER_FETCH_RESULT_H_
