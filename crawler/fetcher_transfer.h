// Internal to the fetcher: include only from crawler/fetcher*.cc (it brings
// in libcurl, which STYLE rule 7 keeps inside the fetcher's own files).
// One transfer in flight and how it is set up: the Transfer record that is
// the CURLOPT_PRIVATE pointer, the Guard all transfers share, and
// NewTransfer, which sets every curl option and callback that hardens a
// transfer against a hostile server (see fetcher.h for the list).
// Not thread-safe: the fetcher's one thread.
#ifndef OITWATCH_CRAWLER_FETCHER_TRANSFER_H_
#define OITWATCH_CRAWLER_FETCHER_TRANSFER_H_

#include <curl/curl.h>

#include <cstddef>
#include <memory>
#include <set>
#include <string>

#include "crawler/address_guard.h"
#include "crawler/content_decoder.h"
#include "crawler/fetch_result.h"
#include "crawler/fetcher.h"  // FetcherOptions
#include "crawler/http1_sockets.h"

namespace oitwatch {
namespace fetcher_internal {

struct EasyDeleter {
  void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};
struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using EasyHandle = std::unique_ptr<CURL, EasyDeleter>;
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

// Why our own callback stopped a transfer.
enum class Abort {
  kNone,
  kBodyTooLarge,
  kDeclaredTooLarge,
  kHeadersTooLarge,
  kTooManyResponses,  // a flood of 1xx/3xx heads (each resets the header cap)
  kBadLength,         // rubbish or conflicting Content-Length (RFC 9112 6.3)
  kBadEncoding,       // unknown, stacked too deep or corrupt Content-Encoding
};

struct Guard {
  AddressGuard addresses;
  std::set<int> ports;  // empty: any port
  int refused = 0;
  int dropped = 0;  // connections closed after a bodyless answer's body
  Http1Sockets http1;  // kept-alive HTTP/1.x connections (A16)
};

// One transfer in flight; its address is the CURLOPT_PRIVATE pointer.
struct Transfer {
  FetchResult result;
  EasyHandle easy;
  Slist headers;
  Guard* guard = nullptr;
  size_t max_body = 0;
  size_t max_header_bytes = 0;
  int max_responses = 0;
  size_t header_bytes = 0;  // of the current response
  int responses = 0;        // status lines seen (interim, redirects, final)
  bool declared_length = false;  // the current response has Content-Length
  std::string length_value;      // ... with this value
  bool chunked = false;          // ... or Transfer-Encoding: chunked
  std::string content_encoding;  // ... its Content-Encoding values, in order
  // ... and its Transfer-Encoding values (curl 7.88 undid "gzip, chunked"
  // too, so we do; chunked stays curl's)
  std::string transfer_encoding;
  bool cf_mitigated = false;  // ... "cf-mitigated: challenge" (a WAF wall)
  bool has_location = false;  // ... a Location header
  std::string date;           // ... its Date (the server's clock)
  // Undoes both, content codings first applied, so undone last; made at the
  // response's first body byte (curl's own decoding is off: it never checks
  // that a stream ended, S23).
  std::unique_ptr<ContentDecoder> decoder;
  Abort abort = Abort::kNone;
  std::string decode_error;  // why the body was refused (kBadEncoding)
  bool refused_address = false;
  int own_port = 0;      // the request URL's port: always allowed
  int refused_port = 0;  // the guard refused this port (not the address)
  bool https_origin = false;  // an https URL led here (A24)
  // rt6night BUG-1: a conditional request's validators belong to its URL
  // alone. curl would send them on every redirect hop too (CURLOPT_
  // HTTPHEADER), and a start page answering the evidence page's
  // If-Modified-Since with 304 would "confirm" the evidence page; so curl
  // does not follow the first hop of a conditional request, and
  // FollowFirstRedirect restarts the transfer at the target without them.
  bool conditional = false;  // validators were set for the first hop
  bool redirected = false;   // ... and it redirected: later hops have none
  long max_redirects = 0;    // for the whole chain
  long timeout_ms = 0;       // for the whole chain
  double earlier_seconds = 0;   // the first hop's time, once redirected
  size_t skipped_bytes = 0;     // of the first hop's redirect body
  int status = 0;               // of the current response
  bool http1 = false;           // ... an HTTP/1.x one
  char error[CURL_ERROR_SIZE] = {};
};

// Notes `url` as a hop of the transfer (A24): an https hop makes the chain
// secure, and the first plain-http hop after one is recorded as a downgrade
// in result.downgraded_to. The hop itself is still followed.
void NoteHop(Transfer* transfer, const char* url);

// Called for a transfer that ended with `*code` (CURLE_OK): when it is the
// conditional first hop of a redirect curl would have followed, re-arms the
// handle for the target, without the validators and with what is left of
// the redirect cap and timeout, and returns true (the caller adds it to the
// multi handle again). Sets *code to CURLE_TOO_MANY_REDIRECTS when no
// redirect may be followed at all.
bool FollowFirstRedirect(Transfer* transfer, CURLcode* code);

// True when `value` may go into a header line (no CR/LF to inject more).
bool NoLineBreak(const std::string& value);

// A transfer for `request` with every option and callback set; its `easy`
// is null when curl_easy_init failed. REQUIRES: `guard` is non-null and,
// like `resolve` (may be null), outlives the transfer.
std::unique_ptr<Transfer> NewTransfer(const Request& request,
                                      const FetcherOptions& options,
                                      Guard* guard, curl_slist* resolve);

}  // namespace fetcher_internal
}  // namespace oitwatch

#endif  // OITWATCH_CRAWLER_FETCHER_TRANSFER_H_
