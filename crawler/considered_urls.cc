#include "crawler/considered_urls.h"

#include <algorithm>

namespace oitwatch {
namespace {

// The count and example of `why` in `stats`.
struct Tally {
  int* count;
  std::string* example;
};

Tally TallyOf(LeftOutWhy why, SiteCrawlStats* stats) {
  switch (why) {
    case LeftOutWhy::kBudget:
      return {&stats->over_budget, &stats->over_budget_example};
    case LeftOutWhy::kDepth:
      return {&stats->past_depth, &stats->past_depth_example};
    case LeftOutWhy::kTrap:
      break;
  }
  return {&stats->trap_suspected, &stats->trap_example};
}

}  // namespace

bool ConsideredUrls::Consider(const std::string& url, int priority,
                              bool under_index, bool within_depth,
                              SiteCrawlStats* stats) {
  auto it = urls_.find(url);
  if (it == urls_.end()) {
    if (urls_.size() >= kMaxUrlsPerSite) {
      ++stats->over_url_cap;
      return false;
    }
    urls_.emplace(url,
                  Entry{priority, false, LeftOutWhy::kBudget, under_index});
    return true;
  }
  Entry& e = it->second;
  if (!e.left_out) return false;
  const bool better = priority > e.priority ||
                      (under_index && !e.under_index) ||
                      (e.why == LeftOutWhy::kDepth && within_depth);
  if (!better) return false;
  // Withdrawn: the URL is tried again, and left out again (LeaveOut) if
  // the limit still holds, counted once.
  Tally tally = TallyOf(e.why, stats);
  --*tally.count;
  if (*tally.example == url) tally.example->clear();
  stats->left_out.erase(url);
  --stats->skipped;  // counted by the engine when it was left out
  e.priority = std::max(e.priority, priority);
  e.under_index = e.under_index || under_index;
  e.left_out = false;
  return true;
}

void ConsideredUrls::Take(const std::string& url, int priority) {
  urls_.try_emplace(url, Entry{priority, false, LeftOutWhy::kBudget, false});
}

void ConsideredUrls::LeaveOut(const Request& r, LeftOutWhy why,
                              SiteCrawlStats* stats) {
  Entry& e = urls_[r.url];
  if (e.left_out) return;  // counted already
  e.left_out = true;
  e.why = why;
  Tally tally = TallyOf(why, stats);
  if ((*tally.count)++ == 0 || tally.example->empty()) *tally.example = r.url;
  if (r.priority <= 0 || r.kind == RequestKind::kCheck) return;
  if (stats->left_out.size() < SiteCrawlStats::kMaxRankedLeftOut ||
      stats->left_out.count(r.url)) {
    stats->left_out[r.url] = LeftOutLink{r.link_text, why, e.under_index};
  } else {
    stats->left_out_cut = true;
  }
}

bool ConsideredUrls::Taken(const std::string& url) const {
  auto it = urls_.find(url);
  return it != urls_.end() && !it->second.left_out;
}

bool ConsideredUrls::UnderIndex(const std::string& url) const {
  auto it = urls_.find(url);
  return it != urls_.end() && it->second.under_index;
}

}  // namespace oitwatch
