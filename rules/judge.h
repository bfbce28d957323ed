// Turns what was learnt about one site (URL facts and pattern hits) into one
// verdict per item, following the ITA calendar. Pure functions; thread-safe.
#ifndef OITWATCH_RULES_JUDGE_H_
#define OITWATCH_RULES_JUDGE_H_

#include <cstddef>
#include <string>
#include <vector>

#include "rules/evidence.h"
#include "rules/rule_set.h"

namespace oitwatch {

struct JudgeContext {
  int fiscal_year = 0;  // assessed FY, BE (e.g. 2568)
  int as_of_year = 0;   // as-of date, CE
  int as_of_month = 0;
  int as_of_day = 0;
};

// One verdict per item of `rules`, in rule order.
// REQUIRES: context.fiscal_year and the as-of date are set (the as-of month
// decides which monthly summaries are due). `facts` holds every URL the
// hits refer to (a hit whose URL has no facts is treated as never fetched).
// Returns kUnchecked for an item only when its only evidence could not be
// fetched for a transient reason (timeout, rate limit, blocked, connection
// error, skipped by budget): a site that could not be checked at all is
// handled by UncheckedVerdicts.
std::vector<ItemVerdict> JudgeSite(const RuleSet& rules,
                                   const JudgeContext& context,
                                   const std::vector<UrlFacts>& facts,
                                   const std::vector<Hit>& hits);

// As above, for a site with `site_pages` HTML pages fetched with content
// (kPage, ok; the judge tells page chrome by it): `facts` then need only hold
// the URLs the hits name, and gives the same verdicts as all of them would.
std::vector<ItemVerdict> JudgeSite(const RuleSet& rules,
                                   const JudgeContext& context,
                                   const std::vector<UrlFacts>& facts,
                                   const std::vector<Hit>& hits,
                                   size_t site_pages);

// Every item kUnchecked with `reason` (e.g. "HTTP 403 (blocked)").
std::vector<ItemVerdict> UncheckedVerdicts(const RuleSet& rules,
                                           const std::string& reason);

}  // namespace oitwatch

#endif  // OITWATCH_RULES_JUDGE_H_
