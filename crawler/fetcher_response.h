// Internal to the fetcher: include only from crawler/fetcher*.cc.
// How a transfer that has ended becomes a FetchResult: curl's code and the
// HTTP status map to a FetchOutcome (a challenge page is "blocked", a
// 1xx/3xx flood or bad Content-Length is "bad content"), our own aborts
// get their message, a close-delimited HTTP/1.x body and an https->http
// downgrade (A24) get a note, and a partial body (also one whose compressed
// stream did not reach its end, S23) is never passed on.
// Not thread-safe: the fetcher's thread.
#ifndef OITWATCH_CRAWLER_FETCHER_RESPONSE_H_
#define OITWATCH_CRAWLER_FETCHER_RESPONSE_H_

#include <cstdint>

#include "crawler/fetcher_transfer.h"  // Transfer, and curl's CURLcode

namespace oitwatch {
namespace fetcher_internal {

// The wall clock in UTC seconds, for FetchResult::fetched_at_unix.
int64_t WallClockSeconds();

// Fills transfer->result for a transfer that has ended with `code`.
void Finish(Transfer* transfer, CURLcode code);

}  // namespace fetcher_internal
}  // namespace oitwatch

#endif  // OITWATCH_CRAWLER_FETCHER_RESPONSE_H_
