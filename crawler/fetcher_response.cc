// Response assembly for the fetcher (see fetcher_response.h): outcome
// mapping and messages for a transfer that has ended. The multi loop that
// collects ended transfers is fetcher.cc.
#include "crawler/fetcher_response.h"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <ctime>
#include <optional>
#include <string>

#include "crawler/challenge_page.h"
#include "crawler/fetcher.h"

namespace oitwatch {
namespace fetcher_internal {
namespace {

FetchOutcome OutcomeForCurlError(CURLcode code, const Transfer& transfer) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return FetchOutcome::kDnsError;
    case CURLE_COULDNT_CONNECT:
      return transfer.refused_address ? FetchOutcome::kForbiddenAddress
                                      : FetchOutcome::kConnectError;
    case CURLE_OPERATION_TIMEDOUT:
      return FetchOutcome::kTimeout;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
      return FetchOutcome::kTlsError;
    case CURLE_TOO_MANY_REDIRECTS:
      return FetchOutcome::kTooManyRedirects;
    case CURLE_UNSUPPORTED_PROTOCOL:
      // curl 7.88 reports an HTTP/0.9 reply (no status line: garbage) with
      // this code too; that is a broken server, not a scheme.
      return std::strstr(transfer.error, "HTTP/0.9") != nullptr
                 ? FetchOutcome::kBadContent
                 : FetchOutcome::kUnsupportedScheme;
    case CURLE_URL_MALFORMAT:
      return FetchOutcome::kUnsupportedScheme;
    case CURLE_FILESIZE_EXCEEDED:
      return FetchOutcome::kTooLarge;
    case CURLE_WRITE_ERROR:
      return transfer.abort == Abort::kHeadersTooLarge ||
                     transfer.abort == Abort::kTooManyResponses ||
                     transfer.abort == Abort::kBadLength ||
                     transfer.abort == Abort::kBadEncoding
                 ? FetchOutcome::kBadContent
                 : FetchOutcome::kTooLarge;
    case CURLE_OUT_OF_MEMORY:
      // curl 7.88 answers one header over CURL_MAX_HTTP_HEADER (100 KiB)
      // with "out of memory"; nothing else here allocates that much.
      return FetchOutcome::kBadContent;
    case CURLE_BAD_CONTENT_ENCODING:
    case CURLE_RECV_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_GOT_NOTHING:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return FetchOutcome::kBadContent;
    default:
      return FetchOutcome::kConnectError;
  }
}

std::string AbortMessage(Abort abort, const Transfer& transfer) {
  switch (abort) {
    case Abort::kBodyTooLarge:
      return "decoded body over " + std::to_string(transfer.max_body) +
             " bytes";
    case Abort::kDeclaredTooLarge:
      return "Content-Length over " + std::to_string(transfer.max_body) +
             " bytes";
    case Abort::kHeadersTooLarge:
      return "response headers over " +
             std::to_string(transfer.max_header_bytes) + " bytes";
    case Abort::kBadLength:
      return "invalid or conflicting Content-Length";
    case Abort::kTooManyResponses:
      return "more than " + std::to_string(transfer.max_responses) +
             " response heads (1xx/3xx flood)";
    case Abort::kBadEncoding:
      return transfer.decode_error;
    case Abort::kNone:
      break;
  }
  return "";
}

// A challenge or captcha page is "blocked" whatever its status
// (challenge_page.h): a 200 one is no more the page than a 403 one.
FetchOutcome OutcomeForStatus(const Transfer& transfer) {
  const FetchResult& r = transfer.result;
  const int status = r.http_status;
  if (status == 304) return FetchOutcome::kNotModified;
  // A robots.txt answered by a 2xx challenge reads as no rules, as before:
  // the pages then report their own block.
  const bool robots_2xx = r.request.kind == RequestKind::kRobots && status < 300;
  if (!robots_2xx && IsChallengePage(ChallengeSigns{
                         status, transfer.cf_mitigated, &r.content_type,
                         &r.body}))
    return FetchOutcome::kBlocked;
  if (status == 206) return FetchOutcome::kBadContent;  // see FillResult
  if (status >= 200 && status < 300) return FetchOutcome::kOk;
  if (status == 403 || status == 451) return FetchOutcome::kBlocked;
  if (status == 429 || status == 503) return FetchOutcome::kRateLimited;
  return FetchOutcome::kHttpError;  // 4xx/5xx, and a 3xx that was not followed
}

// RFC 9112 6.3: an HTTP/1.x body with neither Content-Length nor chunked
// framing ends when the server closes, so a cut-short body cannot be told
// from a complete one. The page is kept, with this note in `error`.
constexpr char kLengthUnverified[] =
    "length unverified: close-delimited body (no Content-Length, not chunked)";

bool IsCloseDelimited(const Transfer& transfer) {
  long version = 0;
  curl_easy_getinfo(transfer.easy.get(), CURLINFO_HTTP_VERSION, &version);
  const int status = transfer.result.http_status;
  return (version == CURL_HTTP_VERSION_1_0 ||
          version == CURL_HTTP_VERSION_1_1) &&
         status != 204 && !transfer.declared_length && !transfer.chunked &&
         !transfer.result.body.empty();
}

// A24, for the page's stored error/note. Thai first, like the site notes.
std::string DowngradeNote(const std::string& http_url) {
  return "ถูกพาจาก https ไปยัง http ที่ไม่เข้ารหัส (https->http downgrade: " +
         http_url + ")";
}

// An HTTP-date (RFC 9110 5.6.7) as UTC seconds; nullopt if `value` is
// none of its three forms (the C locale's day and month names: nothing here
// sets another).
std::optional<int64_t> ParseHttpDate(const std::string& value) {
  static const char* const kForms[] = {
      "%a, %d %b %Y %H:%M:%S GMT",  // IMF-fixdate
      "%A, %d-%b-%y %H:%M:%S GMT",  // RFC 850
      "%a %b %e %H:%M:%S %Y",       // asctime
  };
  for (const char* form : kForms) {
    std::tm tm{};
    const char* end = strptime(value.c_str(), form, &tm);
    if (end != nullptr && *end == '\0') {
      return static_cast<int64_t>(timegm(&tm));
    }
  }
  return std::nullopt;
}

}  // namespace

int64_t WallClockSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

namespace {

// S23: curl 7.88 never checked that a compressed body reached its end, so a
// stream cut short (Content-Length matching the cut) passed as a whole,
// shorter page. A truncated body is never kept; on a 2xx it is the outcome,
// on an error status a note (the status says more).
void CheckBodyEnded(Transfer* transfer) {
  if (transfer->decoder == nullptr ||
      transfer->decoder->Finish() == DecodeResult::kOk)
    return;
  FetchResult& result = transfer->result;
  const std::string& why = transfer->decoder->error();
  result.body.clear();
  if (result.outcome == FetchOutcome::kOk) {
    result.outcome = FetchOutcome::kBadContent;
    result.error = why;
  } else {
    result.error += (result.error.empty() ? "" : "; ") + why;
  }
}

// Outcome, status, final URL, timing and error of a transfer that has ended
// with `code`.
void FillResult(Transfer* transfer, CURLcode code) {
  FetchResult& result = transfer->result;
  CURL* easy = transfer->easy.get();
  long status = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
  result.http_status = static_cast<int>(status);
  char* final_url = nullptr;
  curl_easy_getinfo(easy, CURLINFO_EFFECTIVE_URL, &final_url);
  result.final_url = final_url != nullptr ? final_url : result.request.url;
  double seconds = 0;
  curl_easy_getinfo(easy, CURLINFO_TOTAL_TIME, &seconds);
  result.elapsed_seconds = transfer->earlier_seconds + seconds;
  result.fetched_at_unix = WallClockSeconds();
  // A Last-Modified later than the response (by our clock or by its own
  // Date) is kept by no one (UsableLastModified).
  int64_t sent_at = result.fetched_at_unix;
  if (std::optional<int64_t> date = ParseHttpDate(transfer->date)) {
    sent_at = std::min(sent_at, *date);
  }
  if (!UsableLastModified(result.last_modified, sent_at)) {
    result.last_modified.clear();
  }
  if (code == CURLE_OK) {
    result.outcome = OutcomeForStatus(*transfer);
    // Validators went to the first hop only (FollowFirstRedirect): a 304
    // from anywhere else, or to a request without them (robots.txt is
    // never asked conditionally), confirms no stored copy.
    if (result.outcome == FetchOutcome::kNotModified &&
        (!transfer->conditional || transfer->redirected)) {
      result.outcome = FetchOutcome::kBadContent;
      result.error = transfer->redirected
                         ? "HTTP 304 Not Modified from a redirect target, "
                           "which was not asked conditionally (no stored "
                           "copy of it to re-use)"
                         : "HTTP 304 Not Modified to a request without "
                           "validators (no stored copy to re-use)";
      result.body.clear();
    } else if (result.outcome == FetchOutcome::kBadContent) {  // 206
      result.error = "HTTP 206 partial content to a request for the whole "
                     "file (no Range sent): not kept as complete";
      result.body.clear();
    } else if (result.outcome == FetchOutcome::kBlocked &&
               result.http_status < 300) {
      result.error = ChallengeNote();
    } else if (result.outcome != FetchOutcome::kOk) {
      result.error = "HTTP " + std::to_string(result.http_status);
    } else if (IsCloseDelimited(*transfer)) {
      result.error = kLengthUnverified;  // a note: the body may be cut short
      result.length_unverified = true;
    }
    CheckBodyEnded(transfer);
    return;
  }
  result.outcome = OutcomeForCurlError(code, *transfer);
  result.error = AbortMessage(transfer->abort, *transfer);
  if (result.error.empty()) {
    result.error =
        transfer->error[0] != '\0' ? transfer->error : curl_easy_strerror(code);
  }
  if (code == CURLE_OUT_OF_MEMORY)
    result.error = "a response header over curl's 100 KiB limit (" +
                   result.error + ")";
  if (result.outcome == FetchOutcome::kForbiddenAddress) {
    result.error = transfer->refused_port != 0
                       ? "refused port " +
                             std::to_string(transfer->refused_port) +
                             " (not an allowed port): " + result.error
                       : "refused a non-public address: " + result.error;
  }
  result.body.clear();  // never pass a partial body on as a page
}

}  // namespace

void Finish(Transfer* transfer, CURLcode code) {
  FillResult(transfer, code);
  FetchResult& result = transfer->result;
  NoteHop(transfer, result.final_url.c_str());  // e.g. a refused http hop
  if (result.downgraded_to.empty()) return;
  if (!result.error.empty()) result.error += "; ";
  result.error += DowngradeNote(result.downgraded_to);
}

}  // namespace fetcher_internal

bool UsableLastModified(const std::string& last_modified,
                        int64_t not_after_unix) {
  const std::optional<int64_t> at =
      fetcher_internal::ParseHttpDate(last_modified);
  return at && *at <= not_after_unix;
}

}  // namespace oitwatch
