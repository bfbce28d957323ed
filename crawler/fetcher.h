// The HTTP client: owns a libcurl multi handle and runs transfers
// concurrently. libcurl stays inside the fetcher's own files: fetcher.cc
// (the multi loop), fetcher_transfer.{h,cc} (one transfer's options and
// callbacks) and fetcher_response.{h,cc} (an ended transfer -> FetchResult).
// Each transfer is hardened for hostile servers: http/https only (also on
// redirects), at most `max_redirects`, no proxy from the environment,
// connect/total/low-speed timeouts, Content-Encoding undone by our own
// decoder (content_decoder.h: decoded bytes capped against gzip/br/zstd
// bombs, a compressed stream cut short refused), header bytes capped, and a
// connect-time guard that refuses private, loopback, link-local and metadata
// addresses unless allow-listed, and redirects to ports off `allow_ports`. A
// kept-alive HTTP/1.x connection on which the server wrote bytes nobody
// asked for is never reused (http1_sockets.h). An https->http hop is
// followed (a site must still be checked) but recorded: see
// FetchResult::downgraded_to.
//
// Politeness is NOT the fetcher's job: the engine calls Start only when a
// transfer may begin (queued time would count against the timeouts).
// Not thread-safe: one thread drives Start/Poll.
#ifndef OITWATCH_CRAWLER_FETCHER_H_
#define OITWATCH_CRAWLER_FETCHER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "crawler/address_guard.h"  // IsNonPublicAddress
#include "crawler/fetch_result.h"

namespace oitwatch {

// RFC 9309 2.3.1.2: robots.txt redirects followed (more: "unavailable").
inline constexpr long kRobotsMaxRedirects = 5;

struct FetcherOptions {
  std::string user_agent =
      "oitwatch/0.1 (+https://github.com/oitwatch/oitwatch; ITA OIT compliance "
      "checker)";  // honest UA with a contact URL
  long connect_timeout_ms = 10000;     // TCP + TLS handshake
  long page_timeout_ms = 60000;        // whole transfer, HTML and robots
  long document_timeout_ms = 300000;   // whole transfer, documents
  long low_speed_bytes = 1024;         // abort below this rate ...
  long low_speed_seconds = 30;         // ... for this long
  size_t max_page_bytes = 10u << 20;      // decoded body cap, HTML/robots
  size_t max_document_bytes = 50u << 20;  // decoded body cap, documents
  size_t max_header_bytes = 64u << 10;    // stored response headers
  long max_redirects = 10;  // robots.txt: at most kRobotsMaxRedirects
  int max_total_connections = 16;
  // Addresses the connect-time guard lets through although they are private
  // or loopback: exact IPs or CIDRs ("127.0.0.1", "10.0.0.0/8"). Empty = only
  // public addresses.
  std::vector<std::string> allow_addresses;
  // Ports a redirect may lead to (a redirect to :25 or :6379 is refused
  // like a private address); the request URL's own port is always allowed.
  // Empty = any port. The engine fills it from CrawlConfig::allow_ports and
  // the sites' own ports.
  std::vector<int> allow_ports;
  // "host:port:address" entries for CURLOPT_RESOLVE (tests, intranets).
  std::vector<std::string> resolve;
  std::string ca_file;  // extra CA bundle (tests); "" = system default
};

// True if `last_modified` (a Last-Modified value) is an HTTP-date (RFC
// 9110 5.6.7: IMF-fixdate, or the obsolete RFC 850 and asctime forms) no
// later than `not_after_unix`. The fetcher keeps no other (a FetchResult's
// last_modified is then ""), so none is stored or sent back as
// If-Modified-Since: a date in the future (a server clock or a file date
// gone wrong) would be later than the page's next change, and a server
// that compares naively would answer 304 to a changed page (rt8pipe
// BUG-5). Thread-safe.
bool UsableLastModified(const std::string& last_modified,
                        int64_t not_after_unix);

class Fetcher {
 public:
  // Returns nullptr with a message for an invalid allow-list entry.
  static std::unique_ptr<Fetcher> Create(const FetcherOptions& options,
                                         std::string* err);
  ~Fetcher();
  Fetcher(const Fetcher&) = delete;  // owns the CURLM handle
  Fetcher& operator=(const Fetcher&) = delete;

  // Begins a GET (conditional if the request carries an etag or
  // last_modified). Never blocks.
  void Start(const Request& request);
  // Drives transfers for up to `max_wait_ms` and returns those that ended.
  std::vector<FetchResult> Poll(int max_wait_ms);
  size_t active() const;
  // Connections the address guard refused so far (for tests and reports).
  int refused_connections() const;
  // Kept-alive connections dropped before reuse because the server had
  // written bytes nobody asked for (A16).
  int discarded_connections() const;

 private:
  struct Impl;
  explicit Fetcher(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace oitwatch

#endif  // OITWATCH_CRAWLER_FETCHER_H_
