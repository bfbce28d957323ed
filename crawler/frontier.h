// The frontier: what to fetch next. Requests wait in per-site priority
// queues; sites sharing a host take turns (round robin), and each host has a
// connection budget and a minimum delay between the end of one request and
// the start of the next (politeness is per host: all 50 district sites share
// one host). Per-site limits (pages, documents, requests, depth) and the
// seen-set live here too. Time comes in as a value; nothing here sleeps.
// Knows nothing of curl, robots.txt or storage. Not thread-safe.
#ifndef OITWATCH_CRAWLER_FRONTIER_H_
#define OITWATCH_CRAWLER_FRONTIER_H_

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <queue>
#include <set>
#include <string>
#include <vector>

#include "crawler/fetch_result.h"

namespace oitwatch {

struct FrontierLimits {
  int max_pages_per_site = 300;      // HTML pages queued per site
  int max_documents_per_site = 300;  // documents queued per site
  int max_checks_per_site = 60;      // links to other hosts checked per site
  // All requests per site, retries included. 432 = 50 sites in 6 hours at
  // one request per second on the shared host.
  int max_requests_per_site = 432;
  int max_depth = 8;                 // hops from the start URL
  int host_connections = 1;          // concurrent requests per host
  std::chrono::milliseconds host_delay{1000};  // gap between requests per host
};

class Frontier {
 public:
  explicit Frontier(const FrontierLimits& limits) : limits_(limits) {}

  // Queues `request` unless its URL was already queued for its site, or a
  // site limit is reached (then it is counted as skipped). Robots requests
  // (empty site_id) bypass the site limits. Returns true if queued.
  // The limits bound what is fetched, not what is found first: when a limit
  // is reached, the waiting request of the site (same kind when the kind's
  // limit is the one reached; never a retry) with the lowest priority, if
  // lower than `request`'s, is evicted to make room: counted as skipped and
  // appended to `evicted` (may be null) for the caller to record. So the
  // budget goes to the most promising URLs, wherever they were found.
  // A URL refused or evicted is not "queued": a later Add (a better link to
  // it) may queue it.
  bool Add(const Request& request, std::vector<Request>* evicted = nullptr);
  // Re-queues a request for a retry without the seen check; counts against
  // max_requests_per_site. Returns false when the budget is spent.
  bool Retry(const Request& request);

  // The next request whose host has a free connection and whose delay has
  // passed at `now`, or nullopt. The host's connection is taken until Done.
  // Once a site has found more pages than its page limit, its next page
  // waits while a page of higher priority of that site is in flight: the
  // links that page brings may displace it (the budget is spent on the best
  // pages known, not on whatever was queued when a connection came free).
  std::optional<Request> Next(TimePoint now);
  // Releases the host's connection; the host's next start is no earlier than
  // now + max(host delay, extra_delay).
  void Done(const Request& request, TimePoint now,
            std::chrono::milliseconds extra_delay = std::chrono::milliseconds(0));
  // Raises one host's delay (robots.txt Crawl-delay).
  void SetHostDelay(const std::string& host, std::chrono::milliseconds delay);

  // Earliest time a queued request could start (for the poll timeout);
  // nullopt when nothing is queued.
  std::optional<TimePoint> NextReadyTime() const;
  // Drops every queued request of a site; returns how many.
  int DropSite(const std::string& site_id);
  // Drops every queued request for a host; returns how many.
  int DropHost(const std::string& host);

  size_t queued() const { return queued_; }
  size_t queued_for_site(const std::string& site_id) const;
  int skipped(const std::string& site_id) const;
  bool Seen(const std::string& site_id, const std::string& url) const;

 private:
  struct Entry {
    Request request;
    uint64_t order;
    bool operator<(const Entry& other) const;  // max-heap: priority, FIFO
  };
  struct MoreUrgent {  // set order: highest priority first, then FIFO
    bool operator()(const Entry& a, const Entry& b) const { return b < a; }
  };
  using Queue = std::set<Entry, MoreUrgent>;
  struct SiteState {
    std::set<std::string> seen;
    int pages = 0, documents = 0, checks = 0, requests = 0, skipped = 0;
    size_t queued = 0;
    std::multiset<int> pages_in_flight;  // their priorities
  };
  struct HostState {
    std::map<std::string, Queue> queues;  // by site id; "" = robots first
    std::vector<std::string> order;       // round-robin order of site ids
    size_t next_site = 0;
    int active = 0;
    TimePoint next_start{};
    std::chrono::milliseconds delay{0};
    size_t queued = 0;
  };

  bool WithinLimits(SiteState& site, const Request& request);
  bool MakeRoom(SiteState& site, const Request& request,
                std::vector<Request>* evicted);
  void Push(const Request& request);
  bool Held(const std::string& site_id, const Request& next) const;
  std::optional<Request> PopFrom(HostState& host);
  int Drop(HostState& host, const std::string& site_id);

  FrontierLimits limits_;
  std::map<std::string, SiteState> sites_;  // key: site id ("" = robots)
  std::map<std::string, HostState> hosts_;  // key: HostKey
  uint64_t order_ = 0;
  size_t queued_ = 0;
};

}  // namespace oitwatch

#endif  // OITWATCH_CRAWLER_FRONTIER_H_
