// Judging one component of an item (internal to the judge: only
// rules/judge*.cc include it): the component's hits become candidate URLs,
// each candidate gets a state, and the best one (and for a monthly series
// the months found) give the component's state.
//
// A false "pass" is the worst error, a false "missing" the next worst, so:
//  * Only URLs of the site (kPage, kDocument) count as evidence; kExternal
//    only for components with external_ok (the pipeline files central BMA
//    pages of the portal host, e.g. /pipd/, as kExternal); kOtherSite
//    (another district on the same portal) never.
//    Placeholder pages ("under construction") never count, and a heading
//    that recurs on most pages of the site (a sidebar box) is chrome, not
//    evidence (ChromeHeadings).
//  * A URL whose link text, title or document text hit the component but
//    also its exclusion (Hit::excluded) is not its candidate through any
//    field; nor does a file name alone credit it when those fields name the
//    URL as another component of the item only (NamedOtherwise).
//  * A candidate is "broken" only on a definite failure (kBrokenOutcomes in
//    judge_component.cc); transient failures (timeout, 429, 403 block,
//    DNS...) leave it "unfetched", which can make the item kUnchecked but
//    never kMissing.
//  * The year of a candidate comes from its DateFacts by a fixed precedence
//    of sources (rules/dating.h): a folder year (/ITA/2568/) never decides
//    a year, so a scan in /ITA/2568/ with no other date is "stale, no year"
//    (review by eye), not a pass.
// Pure functions; thread-safe.
#ifndef OITWATCH_RULES_JUDGE_COMPONENT_H_
#define OITWATCH_RULES_JUDGE_COMPONENT_H_

#include <cstddef>
#include <string>
#include <unordered_map>
#include <vector>

#include "rules/dating.h"
#include "rules/evidence.h"
#include "rules/judge.h"
#include "rules/rule_set.h"

namespace oitwatch {
namespace judge_internal {

// Candidate and component states; the order is the rank of a candidate
// (ok > stale > no_date > broken > unfetched). kNone and kIncomplete are
// component-only: nothing found, or a monthly series with months missing.
// clang-format off
enum class State { kOk, kStale, kNoDate, kBroken, kUnfetched, kNone, kIncomplete };
// clang-format on

// "ok", "stale", "no_date", "broken", "unfetched", "missing", "incomplete".
const char* StateName(State state);

struct Candidate {
  std::string url;
  const UrlFacts* facts = nullptr;  // null: never fetched
  const Hit* hit = nullptr;         // first hit, shown as evidence
  int pages = 0;                    // distinct pages that pointed here
  State state = State::kUnfetched;
  const DateFact* date = nullptr;  // the date the verdict rests on
  std::vector<Month> months;       // monthly: months of the assessed FY
};

struct ComponentResult {
  const Component* component = nullptr;
  State state = State::kNone;
  std::vector<Candidate> candidates;  // best first
  std::vector<Month> missing_months;
  std::vector<Month> found_months;
  std::string placeholder_url;         // a placeholder page was the only find
  bool unfetched_alternative = false;  // stale/no_date, but another
                                       // candidate could not be fetched
};

// URL -> its facts (a URL not in it counts as never fetched).
using FactIndex = std::unordered_map<std::string, const UrlFacts*>;

// The component's candidates (best first) and its state. `site_pages` is
// the number of the site's fetched HTML pages (to tell chrome headings).
ComponentResult JudgeComponent(const Item& item, const Component& component,
                               const JudgeContext& context,
                               const std::vector<Hit>& hits,
                               const FactIndex& index, size_t site_pages);

}  // namespace judge_internal
}  // namespace oitwatch

#endif  // OITWATCH_RULES_JUDGE_COMPONENT_H_
