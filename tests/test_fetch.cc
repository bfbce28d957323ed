#include "tests/test_fetch.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace oitwatch {

FetcherOptions LoopbackFetcherOptions() {
  FetcherOptions options;
  options.allow_addresses = {"127.0.0.1"};
  options.connect_timeout_ms = 2000;
  options.page_timeout_ms = 5000;
  options.document_timeout_ms = 5000;
  options.max_redirects = 3;
  return options;
}

FetchResult FetchToEnd(const FetcherOptions& options, const Request& request) {
  std::string err;
  std::unique_ptr<Fetcher> fetcher = Fetcher::Create(options, &err);
  if (!fetcher) {
    ADD_FAILURE() << err;
    return FetchResult();
  }
  fetcher->Start(request);
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    std::vector<FetchResult> done = fetcher->Poll(100);
    if (!done.empty()) return done.front();
  }
  ADD_FAILURE() << "no result for " << request.url;
  return FetchResult();
}

}  // namespace oitwatch
