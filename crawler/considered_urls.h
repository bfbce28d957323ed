// The URLs of one site the engine has considered, and what became of each:
// taken (queued: fetched, or not fetched for the host's sake) or left out of
// the crawl for a crawl limit (LeftOutWhy: budget, depth, trap suspicion).
// A URL is taken once; a URL left out is considered again when a later link
// to it ranks better (higher priority, an ITA index's own link text, or
// within --max-depth after being too deep): its left-out entry is withdrawn
// and the engine tries it again, so neither the first link seen nor the
// first depth decides for good (rt7budget BUG-4, BUG-5). The left-out URLs
// are counted in SiteCrawlStats and those ranked above the rest kept there
// for the pipeline (crawl.h).
// Memory is bounded: at most kMaxUrlsPerSite (crawl.h) URLs per site are
// considered; links to others are only counted (SiteCrawlStats::over_url_cap).
// Not thread-safe.
#ifndef OITWATCH_CRAWLER_CONSIDERED_URLS_H_
#define OITWATCH_CRAWLER_CONSIDERED_URLS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>

#include "crawler/crawl.h"
#include "crawler/fetch_result.h"

namespace oitwatch {

class ConsideredUrls {
 public:
  // A link to `url` found now, ranked `priority`, `under_index` as
  // LeftOutLink says, `within_depth` if its depth is within the crawl's
  // limit. True if the engine is to consider it: a URL never seen (now
  // taken), or one left out that this link ranks better (its count, entry
  // and skip in `stats` are withdrawn; the caller takes it again or calls
  // LeaveOut). False for a URL taken, left out and no better now, or new
  // past kMaxUrlsPerSite (counted in stats->over_url_cap).
  bool Consider(const std::string& url, int priority, bool under_index,
                bool within_depth, SiteCrawlStats* stats);
  // Marks a URL taken without a link (the start URL, a pinned URL).
  void Take(const std::string& url, int priority);
  // `r` (taken) is left out for `why`: counted in `stats` (once a URL;
  // the first of each kind is its example) and, when ranked (priority > 0,
  // not a link check), kept in stats->left_out up to its cap, under an ITA
  // index if any link to it that was considered was.
  void LeaveOut(const Request& r, LeftOutWhy why, SiteCrawlStats* stats);
  // True if `url` was taken: no link to it is considered again.
  bool Taken(const std::string& url) const;
  // True if `url` is under an ITA index (LeftOutLink::under_index).
  bool UnderIndex(const std::string& url) const;
  size_t size() const { return urls_.size(); }

 private:
  struct Entry {
    int32_t priority = 0;   // the best a link to it gave
    bool left_out = false;  // for `why`; taken otherwise
    LeftOutWhy why = LeftOutWhy::kBudget;
    bool under_index = false;
  };
  std::unordered_map<std::string, Entry> urls_;
};

}  // namespace oitwatch

#endif  // OITWATCH_CRAWLER_CONSIDERED_URLS_H_
