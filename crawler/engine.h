// The crawl engine behind Crawl() (crawl.h), as in Scrapy "the data flow
// is controlled by the execution engine": one loop on one thread that hands
// the Frontier's ready requests to the Fetcher, holds a host's requests
// until its robots.txt is known, retries transient failures with backoff,
// drops a host that keeps failing, gives every response to the CrawlSink
// and queues the links it returns, and closes each site when nothing of it
// is in flight, held or queued. A whole-run watchdog stops it.
// Only crawl.cc uses it. Not thread-safe; the sink is called on the
// engine's thread.
#ifndef OITWATCH_CRAWLER_ENGINE_H_
#define OITWATCH_CRAWLER_ENGINE_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "crawler/considered_urls.h"
#include "crawler/crawl.h"
#include "crawler/fetch_result.h"
#include "crawler/fetcher.h"
#include "crawler/frontier.h"
#include "crawler/index_scope.h"
#include "crawler/robots.h"
#include "crawler/site.h"
#include "crawler/trap.h"

namespace oitwatch {

class Engine {
 public:
  // REQUIRES: `sites`, `config`, `sink` and `fetcher` outlive the engine.
  Engine(const std::vector<Site>& sites, const CrawlConfig& config,
         CrawlSink* sink, Fetcher* fetcher);
  Engine(const Engine&) = delete;  // holds per-site and per-host state
  Engine& operator=(const Engine&) = delete;

  // Crawls until every site is done, the watchdog fires or the sink aborts;
  // every site gets its OnSiteDone, then the sink its OnCrawlDone.
  void Run();

 private:
  struct SiteState {
    const Site* site = nullptr;
    SiteCrawlStats stats;
    ConsideredUrls considered;
    TemplateBudget templates;  // page URLs per shape (B11), and those waiting
    IndexScopes index_scopes;  // ITA indexes outside its prefix (P18)
    DocumentVariants document_variants;  // query variants per document
    int in_flight = 0;
    int held = 0;
    bool done = false;
    int consecutive_errors = 0;  // CountSiteHealth
    bool dropped = false;        // site_error_budget spent
  };
  struct HostState {
    bool known = false;
    bool requested = false;
    bool dropped = false;
    RobotsTxt robots;
    FetchResult robots_failure;  // set when robots.txt could not be fetched
    bool robots_failed = false;  // network-level failure (DNS, connect, ...)
    std::vector<Request> held;
    int consecutive_errors = 0;
  };

  void Seed(SiteState& s);
  void Enqueue(const Request& r);
  void Admit(HostState& host, const Request& r);
  void NotFetched(const Request& r, FetchOutcome why);
  // `r` not fetched because a site limit (requests, pages, documents,
  // checks) was spent: left out (LeaveOut).
  void OverBudget(const Request& r);
  // `r` (considered) is not fetched for a crawl limit: counted in the
  // site's stats as left out for `why` (ConsideredUrls), then NotFetched.
  void LeaveOut(SiteState& s, const Request& r, LeftOutWhy why);
  // True if `r` (a page or document) is not to be queued now: left out as
  // a suspected crawler trap (url.h LooksLikeTrap, the site's template
  // budget or document variants), or waiting for its template to earn room.
  bool SuspectTrap(SiteState& s, const Request& r);
  // Queues the requests the page `r` lets in (TemplateBudget::Fetched), by
  // its text's fingerprint: the sink's (CrawlSink::TextFingerprint), else
  // computed here.
  void LetInWaiting(SiteState& s, const FetchResult& r);
  // Ends the site's waiting requests: left out as a suspected trap, or not
  // fetched when the run or the site was stopped.
  void EndWaiting(SiteState& s);
  // Starts what the frontier has ready, while fewer than the connection
  // limit are in flight or `waiting` to be handled.
  void StartReady(TimePoint now, size_t waiting);
  void Handle(const FetchResult& r, TimePoint now);
  void HandleRobots(const FetchResult& r);
  void ReleaseHeld(HostState& host);
  bool MaybeRetry(const FetchResult& r, TimePoint now);
  void CountHostHealth(const FetchResult& r);
  // Counts `r` against its site's error budget if it went to the site's
  // own host; when it is spent, the site's queued requests are dropped and
  // no more are taken.
  void CountSiteHealth(SiteState& s, const FetchResult& r);
  bool SiteDropped(const Request& r) const;  // site_error_budget spent
  void DropHost(const std::string& key, HostState& host,
                const std::string& note);
  void Record(SiteState& s, const FetchResult& r);
  // from_https: the page `from` was served over https after its redirects
  // (A24: an http:// link from it is a downgrade).
  void Consider(SiteState& s, const Request& from,
                const std::vector<Outlink>& links, bool from_https);
  void CheckDone(SiteState& s);
  // Stops the run: the watchdog's limit, or (`stopped`) the sink aborted.
  void TimeOut(bool stopped);
  bool AllDone() const;

  const CrawlConfig& config_;
  CrawlSink* sink_;
  Fetcher* fetcher_;
  Frontier frontier_;
  std::map<std::string, SiteState> sites_;
  std::vector<std::string> order_;  // site ids in the order of the site list
  std::map<std::string, HostState> hosts_;
  bool timed_out_ = false;
};

}  // namespace oitwatch

#endif  // OITWATCH_CRAWLER_ENGINE_H_
