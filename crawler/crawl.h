// The engine: drives Frontier <-> Fetcher <-> robots.txt for a list of sites
// on one thread around curl_multi_poll, and hands every response to a
// CrawlSink (parse, match, store happen there). Sites are crawled
// concurrently; politeness is per host. A whole-run watchdog bounds the run.
// The loop itself is class Engine (crawler/engine.h), internal to crawl.cc.
// Not thread-safe; the sink is called on the engine's thread.
#ifndef OITWATCH_CRAWLER_CRAWL_H_
#define OITWATCH_CRAWLER_CRAWL_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "crawler/fetch_result.h"
#include "crawler/fetcher.h"
#include "crawler/frontier.h"
#include "crawler/index_scope.h"
#include "crawler/site.h"

namespace oitwatch {

struct CrawlConfig {
  FetcherOptions fetcher;
  FrontierLimits limits;
  std::string robots_token = "oitwatch";  // product token matched in robots.txt
  std::chrono::seconds max_crawl_delay{30};  // higher Crawl-delay: host skipped
  int max_retries = 2;                     // on 429/503/5xx/timeouts
  std::chrono::seconds max_retry_after{120};  // longer Retry-After: give up
  int host_error_budget = 12;  // consecutive failed fetches before a host is dropped
  // Consecutive failed fetches of one site before the rest of that site is
  // left out (unchecked): all 50 districts share one host, and a district
  // whose pages all hang would otherwise hold the host's connections for a
  // timeout each, night long, while the other sites' successes keep the
  // host's own budget from running out (rt7budget P15). Below the host's
  // budget, so the sick site goes first and the host is not dropped. Only
  // fetches to the site's own host count (rt8pipe BUG-3): a link checked on
  // another host that blocks bots fails there, against that host's budget.
  int site_error_budget = 8;
  std::chrono::seconds max_run_time{7 * 3600};  // watchdog for the whole run
  // Ports a redirect may lead to (a redirect to :25 or :6379 is refused and
  // recorded, A24); the ports of the sites' own URLs are added, and a URL
  // the crawler asks for itself is always fetched on its own port. Empty =
  // any port.
  std::vector<int> allow_ports = {80, 443};
  // Page URLs of one shape (crawler/trap.h) queued per site; more are a
  // suspected trap (B11). Likely evidence (links of positive priority) may
  // have TemplateBudget::kLikelyFactor times as many. 0 = no limit.
  int max_urls_per_template = 50;
};

// A link the sink found and wants considered for crawling.
struct Outlink {
  std::string url;   // absolute, normalised
  std::string text;  // anchor text
  int priority = 0;  // higher = sooner (likely evidence first)
  bool check_external = false;  // fetch it even on another host (evidence)
  bool index = false;  // its text names an ITA index page (LooksLikeIndex)
};

// Where a URL stands relative to a site (shared by the engine and the sink).
enum class LinkScope {
  kPage,          // under the site's prefix, not a document: crawl it
  kDocument,      // a document on the site's host: fetch it, do not crawl
  kOtherSitePage, // same host, outside the prefix (another district): skip,
                  // unless the site's ITA index (crawler/index_scope.h)
  kOtherHost,     // another host: check only if the sink asks
};
LinkScope ClassifyLink(const std::string& scope_prefix, const std::string& url);

// Distinct URLs the crawl keeps per site (the engine's ConsideredUrls, the
// pipeline's facts). A district site names a few thousand (a 2,000-page
// site ~10,000, app/facts_table.h); a hostile one can name millions
// (rt7budget P07: ~600,000 in one night, 1.4 GB). 50,000 is five times the
// largest real site and keeps a site's URL state near 100 MB (~1-2 KB a
// URL). Links to more are counted, not followed.
constexpr size_t kMaxUrlsPerSite = 50000;

// Why a URL of a site was left out of the crawl: a crawl limit, not the
// site, kept it from being fetched, so what it holds is not known.
enum class LeftOutWhy : uint8_t {
  kBudget,  // a site limit (requests, pages, documents, checks) was spent
  kDepth,   // more hops from the start URL than --max-depth
  kTrap,    // a suspected crawler trap (url.h LooksLikeTrap, trap.h)
};

// A URL left out that the frontier ranked above the rest (priority > 0: a
// link that matched a rule, an ITA index, what they lead to).
struct LeftOutLink {
  std::string text;  // the link text it was left out under (the best seen)
  LeftOutWhy why = LeftOutWhy::kBudget;
  // It is an ITA index page, or was found on one (or below one, along
  // links whose priority came from it): it may hold any item.
  bool under_index = false;
};

struct SiteCrawlStats {
  std::string scope_prefix;
  FetchResult seed;            // the start URL's response (outcome tells why)
  bool robots_disallowed_seed = false;
  std::string robots_reason;   // why robots.txt disallows (e.g. "HTTP 503")
  int pages = 0, documents = 0, checks = 0, errors = 0, skipped = 0;
  bool timed_out = false;      // the run stopped before the site was done:
  bool stopped = false;        // ... by a signal or a storage failure (true)
                               // or by the watchdog (false)
  bool host_dropped = false;   // error budget spent or Crawl-delay too high
  std::string host_note;
  // URLs left out of the crawl, each counted once per kind (a URL that got
  // another chance later is no longer counted), with the first of each:
  // suspected traps (template budget, LooksLikeTrap, document variants),
  // a site limit spent, deeper than max_depth.
  int trap_suspected = 0;
  std::string trap_example;
  int over_budget = 0;
  std::string over_budget_example;
  int past_depth = 0;
  std::string past_depth_example;
  int max_depth = 0;  // the crawl's --max-depth, for the note
  // Of those the frontier ranked above the rest, URL -> how: the pipeline
  // tells which of them were evidence for an item it would call missing (a
  // rule matched that URL, or it is under an ITA index), and only then
  // leaves that item unchecked. A hostile site can leave out hundreds of
  // thousands of such links: the map keeps kMaxRankedLeftOut of them and
  // `left_out_cut` says more were left out, which the pipeline reads as
  // "any item may be among them".
  static constexpr size_t kMaxRankedLeftOut = 1000;
  std::map<std::string, LeftOutLink> left_out;
  bool left_out_cut = false;
  // Links to URLs never considered because the site already had
  // kMaxUrlsPerSite distinct ones (a hostile site's endless links): what
  // they held is not known either.
  int over_url_cap = 0;
  // A24: fetches that went from https to plain http (a redirect hop, or a
  // link of an https page), request URL -> the http URL. Followed, so the
  // site is still checked; each one is a finding, and a verdict resting on
  // one says its evidence is served insecurely.
  std::map<std::string, std::string> downgrades;
};

class CrawlSink {
 public:
  virtual ~CrawlSink() = default;
  virtual void OnSiteStart(const Site& site) = 0;
  // Called for every page/document/check request before it is queued, e.g.
  // to add conditional headers (etag, last_modified) for a URL fetched in
  // an earlier run. The request still counts against the site's budget.
  virtual void PrepareRequest(const Site& site, Request* request) {
    (void)site;
    (void)request;
  }
  // The engine follows an ITA index outside the site's prefix, and the
  // pages of `scope`, as the site's own (crawler/index_scope.h): called
  // before the index is queued, so its pages count as the site's.
  virtual void OnIndexScope(const Site& site, const IndexScope& scope) {
    (void)site;
    (void)scope;
  }
  // Each response the fetcher returned (retries and robots.txt included),
  // as soon as it is returned: lets the sink start reading its body on
  // other threads while earlier responses are handled. The response stays
  // alive and unchanged until EndReadAhead(result), which follows its
  // handling (OnResponse, or none for a retry); responses are handled one
  // by one in the order they came. Default: nothing.
  virtual void StartReadAhead(const FetchResult& result) { (void)result; }
  // True if the read StartReadAhead began is complete (or there is none):
  // handling the response now would not wait for it.
  virtual bool ReadAheadReady(const FetchResult& result) {
    (void)result;
    return true;
  }
  // The response is handled or dropped: its read is finished or skipped
  // and forgotten.
  virtual void EndReadAhead(const FetchResult& result) { (void)result; }
  // PageTextFingerprint(result.body) (trap.h) of a page response the sink
  // has read, if it computed it (on its own threads, with its read ahead);
  // called after OnResponse, before EndReadAhead. nullopt: the engine
  // computes it on its thread. Default: nullopt.
  virtual std::optional<uint64_t> TextFingerprint(const FetchResult& result) {
    (void)result;
    return std::nullopt;
  }
  // Every response of a site (pages, documents, checks; robots excluded).
  // Returns the links to consider.
  virtual std::vector<Outlink> OnResponse(const Site& site,
                                          const FetchResult& result) = 0;
  // A request that was never sent (robots.txt, limits, dropped host).
  virtual void OnNotFetched(const Site& site, const Request& request,
                            FetchOutcome why) = 0;
  // Called once per site when nothing of it is left in flight or queued.
  virtual void OnSiteDone(const Site& site, const SiteCrawlStats& stats) = 0;
  // Called once after the last OnSiteDone, before Crawl returns (e.g. to
  // wait for writes still queued).
  virtual void OnCrawlDone() {}
  // True when the sink cannot go on (e.g. the database failed): the engine
  // then stops as it does for the watchdog.
  virtual bool Aborted() const { return false; }
};

// `ports` plus the port of every site URL and pinned URL the operator named:
// the ports a redirect may lead to (A24). Empty `ports` = any port (stays
// empty). Shared by the crawl and `verify`.
std::vector<int> AllowedPorts(const std::vector<Site>& sites,
                              std::vector<int> ports);

// Crawls every site to completion (or until the watchdog fires). Returns
// false with a message only for our own failures (bad fetcher options);
// the outside world's failures are reported per site through the sink.
bool Crawl(const std::vector<Site>& sites, const CrawlConfig& config,
           CrawlSink* sink, std::string* err);

}  // namespace oitwatch

#endif  // OITWATCH_CRAWLER_CRAWL_H_
