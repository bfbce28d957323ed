#include "reports/report.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <utility>

namespace oitwatch {
namespace {

constexpr const char* kChecked = "checked";
constexpr const char* kUnchecked = "unchecked";

Report FromRun(const RunInfo& run) {
  Report report;
  report.ruleset = run.ruleset_id;
  report.ruleset_version = run.ruleset_version;
  report.fiscal_year = run.fiscal_year;
  report.as_of = run.as_of;
  report.run_id = run.id;
  report.run_status = run.status;
  report.started_at = run.started_at;
  report.finished_at = run.finished_at;
  return report;
}

ItemReport FromVerdict(ItemVerdict verdict) {
  ItemReport item;
  item.id = std::move(verdict.item_id);
  item.title = std::move(verdict.title);
  item.status = ItemStatusName(verdict.status);
  item.reason = std::move(verdict.reason);
  item.evidence = std::move(verdict.evidence);
  item.missing_components = std::move(verdict.missing_components);
  item.missing_months = std::move(verdict.missing_months);
  return item;
}

// Why a site that is not "checked" was not checked, for the report.
std::string UncheckedReason(const SiteRunInfo& info,
                            const std::string& run_status) {
  if (!info.reason.empty()) return info.reason;
  if (info.state == "pending") {
    return "crawl did not finish (run " + run_status + ")";
  }
  return "site was not checked";
}

// A status the judge reached from evidence (or its absence) on a site that
// was crawled: not "unchecked", and not the committee's "not_applicable".
bool Judged(const std::string& status) {
  return status != kUnchecked && status != "not_applicable";
}

// True if no item of the site was judged (NothingJudgedReason's rule, for
// a site already built).
bool NothingJudged(const SiteReport& site) {
  bool unchecked = false;
  for (const ItemReport& item : site.items) {
    if (Judged(item.status)) return false;
    unchecked = unchecked || item.status == kUnchecked;
  }
  return unchecked;
}

// An unchecked site's items are unchecked too: never "missing".
void MarkUnchecked(SiteReport* site) {
  for (ItemReport& item : site->items) {
    if (item.status == kUnchecked) continue;
    item.status = kUnchecked;
    item.reason = site->reason;
  }
}

SiteReport FromSiteRun(const SiteRunInfo& info, const std::string& run_status) {
  SiteReport site;
  site.id = info.site_id;
  site.name = info.name;
  site.name_en = info.name_en;
  site.url = info.url;
  bool checked = info.state == kChecked;
  site.state = checked ? kChecked : kUnchecked;
  site.reason = checked ? info.reason : UncheckedReason(info, run_status);
  site.pages = info.pages;
  site.documents = info.documents;
  site.errors = info.errors;
  site.skipped = info.skipped;
  return site;
}

bool BuildSite(Store& store, int64_t run_id, const SiteRunInfo& info,
               const std::string& run_status, SiteReport* site,
               std::string* err) {
  *site = FromSiteRun(info, run_status);
  std::vector<ItemVerdict> verdicts;
  if (!store.ListVerdicts(run_id, info.site_id, &verdicts, err)) return false;
  // Reported as a site that could not be checked (like a failed start
  // page), so no score of 0 drags the averages down. The pipeline stores
  // such a site "unchecked" itself (OnSiteDone); this keeps the runs stored
  // before it did reading the same.
  std::string none;
  if (site->state == kChecked)
    none = NothingJudgedReason(verdicts, site->reason);
  for (ItemVerdict& verdict : verdicts) {
    site->items.push_back(FromVerdict(std::move(verdict)));
  }
  if (!none.empty()) {
    site->state = kUnchecked;
    site->reason = none;
  }
  if (site->state == kUnchecked) MarkUnchecked(site);
  site->score = PredictedScore(*site);
  return true;
}

// The message for a `site_id` that has no row in run `run_id`.
std::string SiteNotInRun(Store& store, int64_t run_id,
                         const std::string& site_id) {
  SiteRow row;
  std::string unknown;
  if (!store.GetSite(site_id, &row, &unknown)) return unknown;
  return "site '" + site_id + "' is not in run " + std::to_string(run_id);
}

// What AddHistory (or LastKnownVerdicts) still looks for in earlier runs,
// per site, and what it found.
struct Wanted {
  std::string site_id;
  SiteReport* site = nullptr;   // gets last_checked; null if not wanted
  bool last_checked = false;    // the site is unchecked tonight
  std::set<std::string> items;  // ids of items still without last_known
  std::map<std::string, LastKnown> known;  // item id -> found
  bool done() const { return !last_checked && items.empty(); }
};

// When each page of `site_id` in run `run_id` was first captured.
bool CaptureTimes(Store& store, int64_t run_id, const std::string& site_id,
                  std::map<std::string, std::string>* captured,
                  std::string* err) {
  std::vector<PageRecord> pages;
  if (!store.ListPages(run_id, site_id, &pages, err)) return false;
  for (const PageRecord& p : pages) {
    (*captured)[p.url] = p.captured_at.empty() ? p.fetched_at : p.captured_at;
  }
  return true;
}

// Takes from run `run`, where the site was checked, what `wanted` still
// lacks: the site's last_checked, and last_known of each wanted item that
// was judged then (not unchecked).
bool AddFromRun(Store& store, const RunInfo& run, Wanted* wanted,
                std::string* err) {
  SiteReport* site = wanted->site;
  std::vector<ItemVerdict> verdicts;
  if (!store.ListVerdicts(run.id, wanted->site_id, &verdicts, err)) {
    return false;
  }
  if (!NothingJudgedReason(verdicts, "").empty()) {
    return true;  // not checked then either (BuildSite): nothing to take
  }
  const std::string when =
      run.finished_at.empty() ? run.started_at : run.finished_at;
  if (wanted->last_checked) {
    SiteReport then;
    then.state = kChecked;
    for (const ItemVerdict& v : verdicts) {
      then.items.push_back(FromVerdict(v));
    }
    LastChecked last;
    last.run_id = run.id;
    last.finished_at = when;
    last.score = PredictedScore(then);
    last.passed = then.count("pass");
    last.items = static_cast<int>(then.items.size());
    site->last_checked = last;
    wanted->last_checked = false;
  }
  std::map<std::string, std::string> captured;
  bool captured_read = false;
  for (ItemVerdict& v : verdicts) {
    if (v.status == ItemStatus::kUnchecked || !wanted->items.count(v.item_id)) {
      continue;
    }
    if (!captured_read) {
      if (!CaptureTimes(store, run.id, wanted->site_id, &captured, err)) {
        return false;
      }
      captured_read = true;
    }
    LastKnown known;
    known.run_id = run.id;
    known.checked_at = when;
    known.status = ItemStatusName(v.status);
    known.evidence = std::move(v.evidence);
    if (!known.evidence.empty()) {
      known.captured_at = captured[known.evidence[0].url];
    }
    wanted->known[v.item_id] = std::move(known);
    wanted->items.erase(v.item_id);
  }
  return true;
}

// Fills each site of `wanted` from the runs before `run_id`, newest first,
// in which the site was checked, until nothing is wanted any more.
bool WalkHistory(Store& store, int64_t run_id,
                 std::map<std::string, Wanted>* wanted, std::string* err) {
  size_t open = 0;
  for (const auto& [id, w] : *wanted) open += w.done() ? 0 : 1;
  if (open == 0) return true;
  std::vector<RunInfo> runs;
  if (!store.ListRuns(&runs, err)) return false;
  for (auto run = runs.rbegin(); run != runs.rend() && open > 0; ++run) {
    if (run->id >= run_id) continue;
    std::vector<SiteRunInfo> site_runs;
    if (!store.ListSiteRuns(run->id, &site_runs, err)) return false;
    for (const SiteRunInfo& info : site_runs) {
      auto it = wanted->find(info.site_id);
      if (it == wanted->end() || it->second.done() ||
          info.state != kChecked) {
        continue;
      }
      if (!AddFromRun(store, *run, &it->second, err)) return false;
      if (it->second.done()) --open;
    }
  }
  return true;
}

// For every unchecked site of `report`, the newest run before it in which the
// site was checked; for every unchecked item, the newest such run in which
// the item was judged. A partly checked site's unchecked items (a failed
// page that may hold their evidence) keep their last known evidence too.
bool AddHistory(Store& store, Report* report, std::string* err) {
  std::map<std::string, Wanted> wanted;
  for (SiteReport& site : report->sites) {
    Wanted w;
    w.site_id = site.id;
    w.site = &site;
    w.last_checked = site.state == kUnchecked;
    for (const ItemReport& item : site.items) {
      if (item.status == kUnchecked) w.items.insert(item.id);
    }
    if (!w.done()) wanted[site.id] = std::move(w);
  }
  if (!WalkHistory(store, report->run_id, &wanted, err)) return false;
  for (auto& [id, w] : wanted) {
    for (ItemReport& item : w.site->items) {
      auto known = w.known.find(item.id);
      if (known != w.known.end()) item.last_known = known->second;
    }
  }
  return true;
}

// BuildReport inside a snapshot.
bool ReadReport(Store& store, int64_t run_id, const std::string& site_id,
                Report* report, std::string* err) {
  RunInfo run;
  if (!store.GetRun(run_id, &run, err)) return false;
  std::vector<SiteRunInfo> site_runs;
  if (!store.ListSiteRuns(run_id, &site_runs, err)) return false;
  Report out = FromRun(run);
  for (const SiteRunInfo& info : site_runs) {
    if (!site_id.empty() && info.site_id != site_id) continue;
    SiteReport site;
    if (!BuildSite(store, run_id, info, run.status, &site, err)) return false;
    out.sites.push_back(std::move(site));
  }
  if (!site_id.empty() && out.sites.empty()) {
    *err = SiteNotInRun(store, run_id, site_id);
    return false;
  }
  if (!AddHistory(store, &out, err)) return false;
  *report = std::move(out);
  return true;
}

}  // namespace

int SiteReport::count(const std::string& status) const {
  return static_cast<int>(std::count_if(
      items.begin(), items.end(),
      [&](const ItemReport& item) { return item.status == status; }));
}

const std::vector<std::string>& ReportStatuses() {
  static const std::vector<std::string> kStatuses = {
      "pass", "partial", "stale", "missing", "broken", "unchecked",
      "not_applicable"};
  return kStatuses;
}

bool BuildReport(Store& store, int64_t run_id, const std::string& site_id,
                 Report* report, std::string* err) {
  // One read transaction, so a crawl writing now cannot be seen half-done.
  if (!store.BeginSnapshot(err)) return false;
  bool ok = ReadReport(store, run_id, site_id, report, err);
  store.EndSnapshot();
  return ok;
}

bool LastKnownVerdicts(Store& store, int64_t run_id, const std::string& site_id,
                       const std::set<std::string>& items,
                       std::map<std::string, LastKnown>* known,
                       std::string* err) {
  known->clear();
  std::map<std::string, Wanted> wanted;
  Wanted& w = wanted[site_id];
  w.site_id = site_id;
  w.items = items;
  if (!WalkHistory(store, run_id, &wanted, err)) return false;
  *known = std::move(w.known);
  return true;
}

std::optional<double> PredictedScore(const SiteReport& site) {
  if (site.state != kChecked || site.items.empty()) return std::nullopt;
  // Items the committee marked not applicable are left out of the share.
  size_t applicable = site.items.size() - site.count("not_applicable");
  if (applicable == 0) return std::nullopt;
  // No item judged: no score (not 0). An unchecked item among judged ones
  // stays in the share and is not a pass: the score is never inflated.
  if (NothingJudged(site)) return std::nullopt;
  double share = 100.0 * site.count("pass") / static_cast<double>(applicable);
  return std::round(share * 100.0) / 100.0;
}

}  // namespace oitwatch
