// The fetcher's multi loop (curl docs/examples 10-at-a-time.c): owns the
// CURLM handle, adds a transfer per Start, and on Poll drives them and
// collects those that ended. How a transfer is set up lives in
// fetcher_transfer.cc, how an ended one becomes a FetchResult in
// fetcher_response.cc.
#include "crawler/fetcher.h"

#include <curl/curl.h>

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "crawler/address_guard.h"
#include "crawler/fetcher_response.h"
#include "crawler/fetcher_transfer.h"

namespace oitwatch {

using fetcher_internal::Finish;
using fetcher_internal::FollowFirstRedirect;
using fetcher_internal::Guard;
using fetcher_internal::NewTransfer;
using fetcher_internal::NoLineBreak;
using fetcher_internal::Slist;
using fetcher_internal::Transfer;
using fetcher_internal::WallClockSeconds;

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
    CURLcode code = message->data.result;
    auto it = transfers.find(easy);
    KeepHttp1Socket(easy);
    curl_multi_remove_handle(multi, easy);
    if (it == transfers.end()) continue;
    if (FollowFirstRedirect(it->second.get(), &code)) {
      if (curl_multi_add_handle(multi, easy) == CURLM_OK) continue;
      code = CURLE_FAILED_INIT;
    }
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

int Fetcher::discarded_connections() const {
  return impl_->guard.http1.shut() + impl_->guard.dropped;
}

}  // namespace oitwatch
