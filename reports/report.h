// The report model: one run of the crawler as the renderers (render.h) and
// alerts see it — per site its crawl summary, predicted OIT score and one
// verdict per item with the evidence it rests on. Built from the store, or by
// hand in tests. Strings are UTF-8 as stored (possibly web-derived and
// hostile): renderers escape them, the model does not.
//
// Plain values; thread-compatible.
#ifndef OITWATCH_REPORTS_REPORT_H_
#define OITWATCH_REPORTS_REPORT_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "rules/evidence.h"
#include "storage/store.h"

namespace oitwatch {

// An unchecked item as it stood the last time it could be judged (the newest
// earlier run in which its site was checked and the item was not unchecked):
// shown beside the "unchecked" verdict, never instead of it.
struct LastKnown {
  int64_t run_id = 0;
  std::string checked_at;              // that run's end (its start if none)
  std::string status;                  // ItemStatusName() then
  std::vector<EvidenceRef> evidence;   // best first, as judged then
  std::string captured_at;  // when the best evidence was captured (ISO 8601
                            // UTC; a re-used page keeps its first capture)
};

// The newest earlier run in which an unchecked site was checked.
struct LastChecked {
  int64_t run_id = 0;
  std::string finished_at;  // that run's end (its start if it never ended)
  std::optional<double> score;
  int passed = 0;           // items that passed then
  int items = 0;
};

struct ItemReport {
  std::string id, title;  // "O1", Thai title
  std::string status;     // ItemStatusName(): "pass", "partial", "stale",
                          // "missing", "broken", "unchecked"
  std::string reason;     // one line, why this status
  std::vector<EvidenceRef> evidence;            // best first
  std::vector<std::string> missing_components;  // component titles
  std::vector<std::string> missing_months;      // "2024-10" (CE), ...
  std::optional<LastKnown> last_known;  // unchecked item with history only
};

struct SiteReport {
  std::string id, name, name_en, url;
  std::string state;   // "checked" or "unchecked" (never anything else)
  std::string reason;  // why unchecked, or crawl notes
  std::optional<double> score;  // PredictedScore(); nullopt if unchecked
  int pages = 0, documents = 0, errors = 0, skipped = 0;
  std::vector<ItemReport> items;  // rule-set order; every status is
                                  // "unchecked" when state is "unchecked"
  // For an unchecked site: its last known state, so evidence and its age
  // stay visible (nullopt when checked or never checked before).
  std::optional<LastChecked> last_checked;

  // Number of items whose status is `status`.
  int count(const std::string& status) const;
};

struct Report {
  std::string ruleset, ruleset_version;
  int fiscal_year = 0;  // assessed fiscal year (BE)
  std::string as_of;    // YYYY-MM-DD
  int64_t run_id = 0;
  std::string run_status, started_at, finished_at;
  std::string generated_at;  // set by the caller (ISO 8601); "" = not shown
  std::vector<SiteReport> sites;
};

// The six item statuses in report order: pass, partial, stale, missing,
// broken, unchecked.
const std::vector<std::string>& ReportStatuses();

// Reads run `run_id` (all its sites, or only `site_id` if not empty) from
// `store` into *report, inside one snapshot (Store::BeginSnapshot), so a
// crawl writing at the same time is never seen half-done. A site whose crawl
// did not end as "checked" (e.g. "pending" in an interrupted run) is reported
// "unchecked" and all its items "unchecked", never "missing"; so is a site
// stored "checked" on which no item could be judged (every item unchecked,
// e.g. its host was dropped after the start page), with that reason and no
// score, and it is no earlier run's "last check" either. Returns false
// with a message for an unknown run, a site that is not in the run, or a
// store error. For each unchecked site, the newest earlier run in which it
// was checked fills last_checked; for each unchecked item (of any site), the
// newest earlier run in which it was judged fills its last_known.
bool BuildReport(Store& store, int64_t run_id, const std::string& site_id,
                 Report* report, std::string* err);

// What last_known shows, for any items: for each id in `items`, the item of
// site `site_id` as it stood in the newest run before `run_id` in which the
// site was checked and the item was judged (not unchecked). Items never
// judged before are left out of *known. Alerts compare tonight's verdict
// with it, so a night on which the evidence could not be checked is skipped.
bool LastKnownVerdicts(Store& store, int64_t run_id, const std::string& site_id,
                       const std::set<std::string>& items,
                       std::map<std::string, LastKnown>* known,
                       std::string* err);

// Predicted OIT score: items with status "pass" / number of items * 100,
// rounded to 2 decimals (each item scores 100 or 0 and weighs the same).
// Conservative: an unchecked item counts as not passed (reports say how
// many, count("unchecked"), beside the score). nullopt if the site is
// unchecked, has no items, or none of its items could be judged.
std::optional<double> PredictedScore(const SiteReport& site);

}  // namespace oitwatch

#endif  // OITWATCH_REPORTS_REPORT_H_
