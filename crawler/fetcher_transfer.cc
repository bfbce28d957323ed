// How one transfer is set up: its curl options (http/https only, no proxy,
// timeouts, redirects, encodings) and the callbacks that hold a hostile
// server to our caps while it talks: header and decoded body bytes,
// Content-Length framing, 1xx/3xx floods, the connect-time address and
// port guard, the check for unsolicited bytes on a kept HTTP/1.x
// connection, a bodyless answer that announces a body anyway (its
// connection is never reused), each hop's scheme (an https->http
// downgrade, A24), and the first hop of a conditional request, which alone
// carries the validators (FollowFirstRedirect).
// The multi loop that runs the transfers is fetcher.cc.
#include "crawler/fetcher_transfer.h"

#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <string_view>

#include "crawler/url.h"

namespace oitwatch {
namespace fetcher_internal {
namespace {

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
  transfer->content_encoding.clear();
  transfer->transfer_encoding.clear();
  transfer->cf_mitigated = false;
  transfer->has_location = false;
  transfer->date.clear();
  transfer->decoder.reset();
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

// True when the current response must have no body (RFC 9112 6.3: 204,
// 304) but announces one: Content-Length above 0 or any Transfer-Encoding.
// curl reads no body for it, so on HTTP/1.x its bytes would stay on the
// connection and be read as the next request's response (rt6night BUG-4);
// when they arrive later, no peek before the next request can see them.
bool BodylessAnnouncesBody(const Transfer& transfer) {
  if (!transfer.http1 || (transfer.status != 204 && transfer.status != 304))
    return false;
  return !transfer.transfer_encoding.empty() ||
         (transfer.declared_length &&
          transfer.length_value.find_first_not_of('0') != std::string::npos);
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const size_t length = size * count;
  const std::string_view line(data, length);
  if (line == "\r\n" || line == "\n") {  // the end of a head
    if (BodylessAnnouncesBody(*transfer)) {
      // Never reused: curl closes it when the transfer is done, before any
      // other transfer can be given it.
      curl_easy_setopt(transfer->easy.get(), CURLOPT_FORBID_REUSE, 1L);
      ++transfer->guard->dropped;
    }
  } else if (StartsWithNoCase(line, "HTTP/")) {
    ResetHeaders(transfer);
    transfer->http1 = StartsWithNoCase(line, "HTTP/1.");
    const size_t space = line.find(' ');
    transfer->status =
        space == std::string_view::npos
            ? 0
            : std::atoi(std::string(line.substr(space + 1, 3)).c_str());
    char* url = nullptr;  // the hop answering now (redirects update it)
    curl_easy_getinfo(transfer->easy.get(), CURLINFO_EFFECTIVE_URL, &url);
    NoteHop(transfer, url);
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
  } else if (StartsWithNoCase(line, "location:")) {
    transfer->has_location = true;
  } else if (StartsWithNoCase(line, "date:")) {
    transfer->date = HeaderValue(line, 5);
  } else if (StartsWithNoCase(line, "retry-after:")) {
    result.retry_after = HeaderValue(line, 12);
  } else if (StartsWithNoCase(line, "cf-mitigated:")) {
    transfer->cf_mitigated = StartsWithNoCase(HeaderValue(line, 13), "challenge");
  } else if (StartsWithNoCase(line, "content-encoding:")) {
    if (!transfer->content_encoding.empty()) transfer->content_encoding += ',';
    transfer->content_encoding += HeaderValue(line, 17);
  } else if (StartsWithNoCase(line, "transfer-encoding:")) {
    std::string value = HeaderValue(line, 18);
    std::transform(value.begin(), value.end(), value.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    transfer->chunked = value.find("chunked") != std::string::npos;
    if (!transfer->transfer_encoding.empty()) transfer->transfer_encoding += ',';
    transfer->transfer_encoding += value;
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

// The current response is the redirect of a conditional first hop, which
// FollowFirstRedirect follows (curl does not: it would send the validators
// on). A 304 is no redirect, whatever its Location.
bool FollowsManually(const Transfer& transfer) {
  return transfer.conditional && !transfer.redirected &&
         transfer.has_location && transfer.status >= 300 &&
         transfer.status < 400 && transfer.status != 304;
}

// Receives the body as sent; our decoder undoes its Content-Encoding, so
// bombs are counted on decoded bytes and broken streams are caught here.
size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const size_t length = size * count;
  if (FollowsManually(*transfer)) {  // a redirect's body, as curl drops it
    transfer->skipped_bytes += length;
    if (transfer->skipped_bytes <= transfer->max_body) return length;
    transfer->abort = Abort::kBodyTooLarge;
    return 0;
  }
  if (transfer->decoder == nullptr) {
    transfer->decoder = ContentDecoder::Create(
        transfer->content_encoding, transfer->transfer_encoding,
        transfer->max_body, &transfer->decode_error);
    if (transfer->decoder == nullptr) {
      transfer->abort = Abort::kBadEncoding;
      return 0;  // curl stops with CURLE_WRITE_ERROR
    }
  }
  ContentDecoder& decoder = *transfer->decoder;
  switch (decoder.Write({data, length}, &transfer->result.body)) {
    case DecodeResult::kOk:
      return length;
    case DecodeResult::kTooLarge:
      transfer->abort = Abort::kBodyTooLarge;
      break;
    case DecodeResult::kBadContent:
      transfer->abort = Abort::kBadEncoding;
      transfer->decode_error = decoder.error();
      break;
  }
  return 0;
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

void SetLimits(CURL* easy, const FetcherOptions& options,
               const Transfer& transfer) {
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, options.connect_timeout_ms);
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, transfer.timeout_ms);
  curl_easy_setopt(easy, CURLOPT_LOW_SPEED_LIMIT, options.low_speed_bytes);
  curl_easy_setopt(easy, CURLOPT_LOW_SPEED_TIME, options.low_speed_seconds);
  // A conditional first hop is followed by FollowFirstRedirect.
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION,
                   transfer.conditional ? 0L : 1L);
  curl_easy_setopt(easy, CURLOPT_MAXREDIRS, transfer.max_redirects);
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_PROXY, "");
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  // We decode (OnBody): curl 7.88 would take a cut-short stream as whole.
  curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, kAcceptEncoding);
  curl_easy_setopt(easy, CURLOPT_HTTP_CONTENT_DECODING, 0L);
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

// A24: a page or document an https page linked to is reached from https
// (a link or <meta refresh> to http:// on the same site is a downgrade too);
// a check of another host is that host's business, not the site's.
bool HttpsOrigin(const Request& request) {
  const bool in_site = request.kind == RequestKind::kPage ||
                       request.kind == RequestKind::kDocument;
  return StartsWithNoCase(request.url, "https:") ||
         (in_site && (request.from_https ||
                      StartsWithNoCase(request.found_on, "https:")));
}

}  // namespace

void NoteHop(Transfer* transfer, const char* url) {
  if (url == nullptr) return;
  if (StartsWithNoCase(url, "https:")) {
    transfer->https_origin = true;
  } else if (transfer->https_origin && StartsWithNoCase(url, "http:") &&
             transfer->result.downgraded_to.empty()) {
    transfer->result.downgraded_to = url;
  }
}

bool FollowFirstRedirect(Transfer* transfer, CURLcode* code) {
  if (*code != CURLE_OK || !FollowsManually(*transfer)) return false;
  CURL* easy = transfer->easy.get();
  char* location = nullptr;  // absolute, as curl would have followed it
  curl_easy_getinfo(easy, CURLINFO_REDIRECT_URL, &location);
  if (location == nullptr) return false;
  if (transfer->max_redirects <= 0) {
    *code = CURLE_TOO_MANY_REDIRECTS;
    return false;
  }
  const std::string target = location;  // setopt may free curl's copy
  double seconds = 0;
  curl_easy_getinfo(easy, CURLINFO_TOTAL_TIME, &seconds);
  transfer->earlier_seconds = seconds;
  transfer->redirected = true;
  transfer->result.body.clear();
  transfer->decoder.reset();
  curl_easy_setopt(easy, CURLOPT_URL, target.c_str());
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, nullptr);  // no validators
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(easy, CURLOPT_MAXREDIRS, transfer->max_redirects - 1);
  const long left =
      transfer->timeout_ms - static_cast<long>(seconds * 1000);
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, std::max(1L, left));
  return true;
}

bool NoLineBreak(const std::string& value) {
  return value.find_first_of("\r\n") == std::string::npos;
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
  transfer->conditional = transfer->headers != nullptr;
  transfer->timeout_ms =
      document ? options.document_timeout_ms : options.page_timeout_ms;
  transfer->max_redirects =
      request.kind == RequestKind::kRobots  // RFC 9309 2.3.1.2: five
          ? std::min(options.max_redirects, kRobotsMaxRedirects)
          : options.max_redirects;
  transfer->https_origin = HttpsOrigin(request);
  NoteHop(transfer.get(), request.url.c_str());
  CURL* easy = transfer->easy.get();
  if (easy == nullptr) return transfer;
  curl_easy_setopt(easy, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(easy, CURLOPT_USERAGENT, options.user_agent.c_str());
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, transfer->headers.get());
  if (resolve != nullptr) curl_easy_setopt(easy, CURLOPT_RESOLVE, resolve);
  if (!options.ca_file.empty())
    curl_easy_setopt(easy, CURLOPT_CAINFO, options.ca_file.c_str());
  SetLimits(easy, options, *transfer);
  SetCallbacks(transfer.get());
  return transfer;
}

}  // namespace fetcher_internal
}  // namespace oitwatch
