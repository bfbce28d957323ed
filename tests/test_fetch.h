// One request through a fresh Fetcher, to its end: the fetcher-level tests'
// way of seeing exactly what a server's bytes become.
#ifndef OITWATCH_TESTS_TEST_FETCH_H_
#define OITWATCH_TESTS_TEST_FETCH_H_

#include "crawler/fetcher.h"

namespace oitwatch {

// Options for a fetcher test against a loopback server: 127.0.0.1 allowed,
// connect 2 s, pages and documents 5 s, 3 redirects.
FetcherOptions LoopbackFetcherOptions();

// Starts `request` on a Fetcher made with `options` and returns its result
// (bounded by 20 s); an empty FetchResult and a test failure if the fetcher
// cannot be made or no result comes.
FetchResult FetchToEnd(const FetcherOptions& options, const Request& request);

}  // namespace oitwatch

#endif  // OITWATCH_TESTS_TEST_FETCH_H_
