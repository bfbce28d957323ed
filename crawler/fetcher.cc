#include "crawler/fetcher.h"

#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <set>

#include "crawler/address_guard.h"
#include "crawler/http1_sockets.h"
#include "crawler/url.h"

namespace oitwatch {
namespace {

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
};

struct Guard {
  AddressGuard addresses;
  std::set<int> ports;  // empty: any port
  int refused = 0;
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
  Abort abort = Abort::kNone;
  bool refused_address = false;
  int own_port = 0;      // the request URL's port: always allowed
  int refused_port = 0;  // the guard refused this port (not the address)
  char error[CURL_ERROR_SIZE] = {};
};

bool StartsWithNoCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) !=
        std::tolower(static_cast<unsigned char>(prefix[i])))
      return false;
  }
  return true;
}

std::string HeaderValue(std::string_view line, size_t name_length) {
  std::string_view value = line.substr(name_length);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
    value.remove_prefix(1);
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' ||
                            value.back() == ' ' || value.back() == '\t'))
    value.remove_suffix(1);
  return std::string(value.substr(0, 1024));  // a stored value stays small
}

// A new status line starts a new response (redirects, 100 Continue).
void ResetHeaders(Transfer* transfer) {
  transfer->header_bytes = 0;
  transfer->declared_length = false;
  transfer->length_value.clear();
  transfer->chunked = false;
  FetchResult& result = transfer->result;
  result.content_type.clear();
  result.etag.clear();
  result.last_modified.clear();
  result.retry_after.clear();
}

bool DeclaredTooLarge(const std::string& value, size_t cap) {
  if (value.empty() ||
      value.find_first_not_of("0123456789") != std::string::npos)
    return false;  // curl itself rejects a rubbish Content-Length
  return value.size() > 18 || std::stoull(value) > cap;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const size_t length = size * count;
  const std::string_view line(data, length);
  if (StartsWithNoCase(line, "HTTP/")) {
    ResetHeaders(transfer);
    // Redirects and 100 Continue each start a new head; an endless stream of
    // them would otherwise never reach the per-head byte cap.
    if (++transfer->responses > transfer->max_responses) {
      transfer->abort = Abort::kTooManyResponses;
      return 0;
    }
  }
  transfer->header_bytes += length;
  if (transfer->header_bytes > transfer->max_header_bytes) {
    transfer->abort = Abort::kHeadersTooLarge;
    return 0;
  }
  FetchResult& result = transfer->result;
  if (StartsWithNoCase(line, "content-type:")) {
    result.content_type = HeaderValue(line, 13);
  } else if (StartsWithNoCase(line, "etag:")) {
    result.etag = HeaderValue(line, 5);
  } else if (StartsWithNoCase(line, "last-modified:")) {
    result.last_modified = HeaderValue(line, 14);
  } else if (StartsWithNoCase(line, "retry-after:")) {
    result.retry_after = HeaderValue(line, 12);
  } else if (StartsWithNoCase(line, "transfer-encoding:")) {
    std::string value = HeaderValue(line, 18);
    std::transform(value.begin(), value.end(), value.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    transfer->chunked = value.find("chunked") != std::string::npos;
  } else if (StartsWithNoCase(line, "content-length:")) {
    const std::string value = HeaderValue(line, 15);
    // curl 7.88 reads "5x" as 5 and takes the last of two values; both
    // would frame the body wrongly, so they end the transfer.
    const bool rubbish =
        value.find_first_not_of("0123456789") != std::string::npos &&
        value.find('-') == std::string::npos;  // negatives: curl's error 8
    if (rubbish || (transfer->declared_length && value != transfer->length_value)) {
      transfer->abort = Abort::kBadLength;
      return 0;
    }
    transfer->declared_length = true;
    transfer->length_value = value;
    if (DeclaredTooLarge(value, transfer->max_body)) {
      transfer->abort = Abort::kDeclaredTooLarge;
      return 0;
    }
  }
  return length;
}

// Receives DECODED bytes (after gzip/br/zstd), so bombs are counted here.
size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const size_t length = size * count;
  std::string& body = transfer->result.body;
  if (body.size() + length > transfer->max_body) {
    transfer->abort = Abort::kBodyTooLarge;
    return 0;  // curl stops with CURLE_WRITE_ERROR
  }
  body.append(data, length);
  return length;
}

int PortOf(const sockaddr& address) {
  if (address.sa_family == AF_INET)
    return ntohs(reinterpret_cast<const sockaddr_in&>(address).sin_port);
  if (address.sa_family == AF_INET6)
    return ntohs(reinterpret_cast<const sockaddr_in6&>(address).sin6_port);
  return 0;
}

// The SSRF guard: runs for every address curl is about to connect to, on
// every hop, after DNS; refuses what is not public unless allow-listed, and
// a port that is neither the request URL's own nor on the allow-list (the
// server chose it: a redirect to :25 or :6379, A24).
curl_socket_t OnOpenSocket(void* user, curlsocktype purpose,
                           curl_sockaddr* address) {
  auto* transfer = static_cast<Transfer*>(user);
  Guard* guard = transfer->guard;
  const int port = PortOf(address->addr);
  const bool port_ok = guard->ports.empty() || port == transfer->own_port ||
                       guard->ports.count(port) > 0;
  if (purpose != CURLSOCKTYPE_IPCXN || !port_ok ||
      !guard->addresses.Permits(address->addr)) {
    transfer->refused_address = true;
    if (!port_ok) transfer->refused_port = port;
    ++guard->refused;
    return CURL_SOCKET_BAD;
  }
  return socket(address->family, address->socktype, address->protocol);
}

// Every socket curl closes, whichever transfer closes it (so the data is
// the fetcher's Guard, which outlives them all).
int OnCloseSocket(void* user, curl_socket_t fd) {
  static_cast<Guard*>(user)->http1.Remove(fd);
  return close(fd);
}

// Just before a request goes out, on a new or a reused connection: a kept
// HTTP/1.x connection with bytes already waiting is shut down, so the send
// fails and curl retries on a fresh connection (A16).
int OnBeforeRequest(void* user, char* /*remote_ip*/, char* /*local_ip*/,
                    int remote_port, int local_port) {
  static_cast<Guard*>(user)->http1.ShutIfUnsolicited(local_port, remote_port);
  return CURL_PREREQFUNC_OK;
}

}  // namespace

struct Fetcher::Impl {
  FetcherOptions options;
  CURLM* multi = nullptr;
  Slist resolve;
  Guard guard;
  std::map<CURL*, std::unique_ptr<Transfer>> transfers;
  std::vector<FetchResult> failed_to_start;

  // Moves the results of finished transfers into *done.
  void Collect(std::vector<FetchResult>* done);
  // Records the connection a finished HTTP/1.x transfer left open.
  void KeepHttp1Socket(CURL* easy);

  ~Impl() {
    for (auto& [easy, transfer] : transfers)
      curl_multi_remove_handle(multi, easy);
    transfers.clear();
    if (multi != nullptr) curl_multi_cleanup(multi);
  }
};

namespace {

bool NoLineBreak(const std::string& value) {
  return value.find_first_of("\r\n") == std::string::npos;
}

Slist ConditionalHeaders(const Request& request) {
  curl_slist* list = nullptr;
  if (!request.etag.empty() && NoLineBreak(request.etag)) {
    list = curl_slist_append(list, ("If-None-Match: " + request.etag).c_str());
  }
  if (!request.last_modified.empty() && NoLineBreak(request.last_modified)) {
    list = curl_slist_append(
        list, ("If-Modified-Since: " + request.last_modified).c_str());
  }
  return Slist(list);
}

void SetLimits(CURL* easy, const FetcherOptions& options, bool document) {
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, options.connect_timeout_ms);
  curl_easy_setopt(
      easy, CURLOPT_TIMEOUT_MS,
      document ? options.document_timeout_ms : options.page_timeout_ms);
  curl_easy_setopt(easy, CURLOPT_LOW_SPEED_LIMIT, options.low_speed_bytes);
  curl_easy_setopt(easy, CURLOPT_LOW_SPEED_TIME, options.low_speed_seconds);
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(easy, CURLOPT_MAXREDIRS, options.max_redirects);
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_PROXY, "");
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");  // gzip, br, zstd
  curl_easy_setopt(easy, CURLOPT_MAXLIFETIME_CONN, 3600L);
}

void SetCallbacks(Transfer* transfer) {
  CURL* easy = transfer->easy.get();
  curl_easy_setopt(easy, CURLOPT_PRIVATE, transfer);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, transfer->error);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, transfer);
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &OnHeader);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, transfer);
  curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, &OnOpenSocket);
  curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, transfer);
  curl_easy_setopt(easy, CURLOPT_CLOSESOCKETFUNCTION, &OnCloseSocket);
  curl_easy_setopt(easy, CURLOPT_CLOSESOCKETDATA, transfer->guard);
  curl_easy_setopt(easy, CURLOPT_PREREQFUNCTION, &OnBeforeRequest);
  curl_easy_setopt(easy, CURLOPT_PREREQDATA, transfer->guard);
}

std::unique_ptr<Transfer> NewTransfer(const Request& request,
                                      const FetcherOptions& options,
                                      Guard* guard, curl_slist* resolve) {
  auto transfer = std::make_unique<Transfer>();
  transfer->result.request = request;
  const std::string key = HostKey(request.url);  // "scheme://host:port"
  transfer->own_port = std::atoi(key.c_str() + key.rfind(':') + 1);
  transfer->easy.reset(curl_easy_init());
  transfer->guard = guard;
  const bool document = request.kind == RequestKind::kDocument;
  transfer->max_body =
      document ? options.max_document_bytes : options.max_page_bytes;
  transfer->max_header_bytes = options.max_header_bytes;
  // Every redirect hop plus a few interim (1xx) heads.
  transfer->max_responses = static_cast<int>(options.max_redirects) + 5;
  transfer->headers = ConditionalHeaders(request);
  CURL* easy = transfer->easy.get();
  if (easy == nullptr) return transfer;
  curl_easy_setopt(easy, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(easy, CURLOPT_USERAGENT, options.user_agent.c_str());
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, transfer->headers.get());
  if (resolve != nullptr) curl_easy_setopt(easy, CURLOPT_RESOLVE, resolve);
  if (!options.ca_file.empty())
    curl_easy_setopt(easy, CURLOPT_CAINFO, options.ca_file.c_str());
  SetLimits(easy, options, document);
  SetCallbacks(transfer.get());
  return transfer;
}

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
                     transfer.abort == Abort::kBadLength
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
    case Abort::kNone:
      break;
  }
  return "";
}

bool IsChallengePage(const std::string& body) {
  for (const char* marker :
       {"cf-chl", "Just a moment...", "Attention Required! | Cloudflare"}) {
    if (body.find(marker) != std::string::npos) return true;
  }
  return false;
}

FetchOutcome OutcomeForStatus(int status, const std::string& body) {
  if (status == 304) return FetchOutcome::kNotModified;
  if (status >= 200 && status < 300) return FetchOutcome::kOk;
  if ((status == 403 || status == 503) && IsChallengePage(body))
    return FetchOutcome::kBlocked;
  if (status == 403 || status == 451) return FetchOutcome::kBlocked;
  if (status == 429 || status == 503) return FetchOutcome::kRateLimited;
  return FetchOutcome::kHttpError;  // 4xx/5xx, and a 3xx that was not followed
}

int64_t WallClockSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
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

// Fills the result of a transfer that has ended with `code`.
void Finish(Transfer* transfer, CURLcode code) {
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
  result.elapsed_seconds = seconds;
  result.fetched_at_unix = WallClockSeconds();
  if (code == CURLE_OK) {
    result.outcome = OutcomeForStatus(result.http_status, result.body);
    if (result.outcome != FetchOutcome::kOk) {
      result.error = "HTTP " + std::to_string(result.http_status);
    } else if (IsCloseDelimited(*transfer)) {
      result.error = kLengthUnverified;  // a note: the body may be cut short
    }
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

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

void Fetcher::Impl::KeepHttp1Socket(CURL* easy) {
  long version = 0;
  curl_easy_getinfo(easy, CURLINFO_HTTP_VERSION, &version);
  curl_socket_t fd = CURL_SOCKET_BAD;
  curl_easy_getinfo(easy, CURLINFO_ACTIVESOCKET, &fd);  // BAD once closed
  if (fd != CURL_SOCKET_BAD &&
      (version == CURL_HTTP_VERSION_1_0 || version == CURL_HTTP_VERSION_1_1))
    guard.http1.Add(fd);
}

void Fetcher::Impl::Collect(std::vector<FetchResult>* done) {
  int queued = 0;
  while (CURLMsg* message = curl_multi_info_read(multi, &queued)) {
    if (message->msg != CURLMSG_DONE) continue;
    CURL* easy = message->easy_handle;
    const CURLcode code = message->data.result;
    auto it = transfers.find(easy);
    KeepHttp1Socket(easy);
    curl_multi_remove_handle(multi, easy);
    if (it == transfers.end()) continue;
    Finish(it->second.get(), code);
    done->push_back(std::move(it->second->result));
    transfers.erase(it);
  }
}

Fetcher::Fetcher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Fetcher::~Fetcher() = default;

std::unique_ptr<Fetcher> Fetcher::Create(const FetcherOptions& options,
                                         std::string* err) {
  GlobalInit();
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->guard.ports.insert(options.allow_ports.begin(),
                           options.allow_ports.end());
  for (const std::string& entry : options.allow_addresses) {
    if (!impl->guard.addresses.Allow(entry, err)) {
      *err = "allow_addresses: " + *err;
      return nullptr;
    }
  }
  curl_slist* resolve = nullptr;
  for (const std::string& entry : options.resolve) {
    if (std::count(entry.begin(), entry.end(), ':') < 2 ||
        !NoLineBreak(entry)) {
      *err = "resolve: '" + entry + "' is not host:port:address";
      curl_slist_free_all(resolve);
      return nullptr;
    }
    resolve = curl_slist_append(resolve, entry.c_str());
  }
  impl->resolve.reset(resolve);
  impl->multi = curl_multi_init();
  if (impl->multi == nullptr) {
    *err = "curl_multi_init failed";
    return nullptr;
  }
  curl_multi_setopt(impl->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS,
                    static_cast<long>(options.max_total_connections));
  return std::unique_ptr<Fetcher>(new Fetcher(std::move(impl)));
}

void Fetcher::Start(const Request& request) {
  std::unique_ptr<Transfer> transfer =
      NewTransfer(request, impl_->options, &impl_->guard, impl_->resolve.get());
  CURL* easy = transfer->easy.get();
  if (easy == nullptr ||
      curl_multi_add_handle(impl_->multi, easy) != CURLM_OK) {
    // Reported on the next Poll, like any other failed transfer.
    transfer->result.outcome = FetchOutcome::kConnectError;
    transfer->result.error = "could not start a transfer";
    transfer->result.fetched_at_unix = WallClockSeconds();
    impl_->failed_to_start.push_back(std::move(transfer->result));
    return;
  }
  impl_->transfers[easy] = std::move(transfer);
}

std::vector<FetchResult> Fetcher::Poll(int max_wait_ms) {
  std::vector<FetchResult> done = std::move(impl_->failed_to_start);
  impl_->failed_to_start.clear();
  int running = 0;
  curl_multi_perform(impl_->multi, &running);
  impl_->Collect(&done);
  if (!done.empty()) return done;
  curl_multi_poll(impl_->multi, nullptr, 0, std::max(0, max_wait_ms), nullptr);
  curl_multi_perform(impl_->multi, &running);
  impl_->Collect(&done);
  return done;
}

size_t Fetcher::active() const { return impl_->transfers.size(); }

int Fetcher::refused_connections() const { return impl_->guard.refused; }

int Fetcher::discarded_connections() const { return impl_->guard.http1.shut(); }

}  // namespace oitwatch
