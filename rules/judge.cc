// The judge: URL facts + pattern hits -> one verdict per item.
//
// A false "pass" is the worst error, a false "missing" the next worst, so:
//  * Only URLs of the site (kPage, kDocument) count as evidence; kExternal
//    only for components with external_ok (the pipeline files central BMA
//    pages of the portal host, e.g. /pipd/, as kExternal); kOtherSite
//    (another district on the same portal) never.
//    Placeholder pages ("under construction") never count, and a heading
//    that recurs on most pages of the site (a sidebar box) is chrome, not
//    evidence (ChromeHeadings).
//  * A candidate is "broken" only on a definite failure (kBrokenOutcomes
//    below); transient failures (timeout, 429, 403 block, DNS...) leave it
//    "unfetched", which can make the item kUnchecked but never kMissing.
//  * The year of a candidate comes from its DateFacts by a fixed precedence
//    of sources (rules/dating.h): a folder year (/ITA/2568/) never decides
//    a year, so a scan in /ITA/2568/ with no other date is "stale, no year"
//    (review by eye), not a pass.
#include "rules/judge.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "rules/dating.h"
#include "rules/thai_text.h"

namespace oitwatch {
namespace {

// A heading that recurs on this many of the site's pages (and on at least
// kChromeMinPages) is a sidebar or banner, not the subject of each page.
constexpr double kChromeShare = 0.5;
constexpr size_t kChromeMinPages = 3;

// Outcomes that mean the target itself fails (a user would see an error).
constexpr std::string_view kBrokenOutcomes[] = {
    "http_error", "too_many_redirects", "tls_error", "unsupported_scheme"};
// HTTP statuses that are transient even when reported as http_error.
constexpr int kTransientStatuses[] = {408, 425, 429, 502, 503, 504};

// Candidate and component states; the order is the rank of a candidate
// (ok > stale > no_date > broken > unfetched). kNone and kIncomplete are
// component-only: nothing found, or a monthly series with months missing.
// clang-format off
enum class State { kOk, kStale, kNoDate, kBroken, kUnfetched, kNone, kIncomplete };
// clang-format on
constexpr const char* kStateNames[] = {
    "ok", "stale", "no_date", "broken", "unfetched", "missing", "incomplete"};

const char* StateName(State state) {
  return kStateNames[static_cast<int>(state)];
}

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

State FetchState(const UrlFacts* facts) {
  if (facts == nullptr || !facts->fetched) return State::kUnfetched;
  if (facts->ok) return State::kOk;
  for (int status : kTransientStatuses) {
    if (facts->http_status == status) return State::kUnfetched;
  }
  for (std::string_view outcome : kBrokenOutcomes) {
    if (facts->outcome == outcome) return State::kBroken;
  }
  if (facts->outcome.empty() && facts->http_status >= 400)
    return State::kBroken;
  return State::kUnfetched;
}

State YearState(Freshness freshness, const DateFact* date, int fiscal_year) {
  if (freshness == Freshness::kInForce || freshness == Freshness::kLive) {
    return State::kOk;
  }
  if (date == nullptr) return State::kNoDate;
  const int fy = date->fiscal_year;
  switch (freshness) {
    case Freshness::kPreviousFy:
      return fy >= fiscal_year - 1 ? State::kOk : State::kStale;
    case Freshness::kFirstHalf:
      return fy == fiscal_year ? State::kOk : State::kStale;
    default:
      return fy >= fiscal_year ? State::kOk : State::kStale;
  }
}

void Evaluate(const Component& component, const JudgeContext& context,
              Candidate* candidate) {
  candidate->state = FetchState(candidate->facts);
  if (candidate->state != State::kOk) return;
  const bool display = component.freshness == Freshness::kInForce ||
                       component.freshness == Freshness::kLive;
  candidate->date = PickDate(candidate->facts, display);
  candidate->state =
      YearState(component.freshness, candidate->date, context.fiscal_year);
  if (component.freshness != Freshness::kMonthly) return;
  candidate->months = CandidateMonths(candidate->facts, context.fiscal_year);
  if (!candidate->months.empty()) candidate->state = State::kOk;
}

bool BetterCandidate(const Candidate& a, const Candidate& b) {
  if (a.state != b.state) return a.state < b.state;
  if (a.months.size() != b.months.size())
    return a.months.size() > b.months.size();
  const int fy_a = a.date ? a.date->fiscal_year : 0;
  const int fy_b = b.date ? b.date->fiscal_year : 0;
  if (fy_a != fy_b) return fy_a > fy_b;
  const bool ext_a = a.facts && a.facts->kind == UrlKind::kExternal;
  const bool ext_b = b.facts && b.facts->kind == UrlKind::kExternal;
  if (ext_a != ext_b) return ext_b;
  if (a.pages != b.pages) return a.pages > b.pages;
  if (a.url.size() != b.url.size()) return a.url.size() < b.url.size();
  return a.url < b.url;
}

using FactIndex = std::unordered_map<std::string, const UrlFacts*>;

bool Usable(const UrlFacts* facts, const Component& component) {
  if (facts == nullptr) return true;  // unknown: judged as never fetched
  switch (facts->kind) {
    case UrlKind::kPage:
    case UrlKind::kDocument:
      return true;
    case UrlKind::kExternal:  // incl. central BMA pages of the portal host
      return component.external_ok;
    case UrlKind::kOtherSite:  // another district
      return false;
  }
  return false;
}

// Heading texts of this component that recur on most of the site's pages
// (a sidebar "ร้องเรียนการทุจริต" box): they name no page's subject.
std::set<std::string> ChromeHeadings(const Item& item,
                                     const Component& component,
                                     const std::vector<Hit>& hits,
                                     size_t site_pages) {
  std::map<std::string, std::set<std::string>> pages_by_text;
  for (const Hit& hit : hits) {
    if (hit.item_id != item.id || hit.component_id != component.id ||
        hit.field != Field::kHeadings) {
      continue;
    }
    pages_by_text[hit.matched].insert(hit.url);
  }
  std::set<std::string> chrome;
  for (const auto& [text, pages] : pages_by_text) {
    if (pages.size() >= kChromeMinPages &&
        pages.size() >= kChromeShare * site_pages) {
      chrome.insert(text);
    }
  }
  return chrome;
}

// Groups the component's hits by URL; drops unusable and placeholder URLs
// and headings that are page chrome.
std::vector<Candidate> Collect(const Item& item, const Component& component,
                               const std::vector<Hit>& hits,
                               const FactIndex& index, size_t site_pages,
                               std::string* placeholder) {
  std::map<std::string, Candidate> by_url;
  std::map<std::string, std::set<std::string>> pages;
  const std::set<std::string> chrome =
      ChromeHeadings(item, component, hits, site_pages);
  for (const Hit& hit : hits) {
    if (hit.item_id != item.id || hit.component_id != component.id) continue;
    if (hit.field == Field::kHeadings && chrome.count(hit.matched)) continue;
    auto found = index.find(hit.url);
    const UrlFacts* facts = found == index.end() ? nullptr : found->second;
    if (!Usable(facts, component)) continue;
    if (facts != nullptr && facts->placeholder) {
      if (placeholder->empty()) *placeholder = hit.url;
      continue;
    }
    Candidate& candidate = by_url[hit.url];
    if (candidate.hit == nullptr) candidate = Candidate{hit.url, facts, &hit};
    pages[hit.url].insert(hit.found_on);
  }
  std::vector<Candidate> out;
  for (auto& [url, candidate] : by_url) {
    candidate.pages = pages[url].size();
    out.push_back(std::move(candidate));
  }
  return out;
}

void JudgeMonths(const JudgeContext& context, ComponentResult* result) {
  std::set<Month> found;
  for (const Candidate& c : result->candidates) {
    if (c.state == State::kOk) found.insert(c.months.begin(), c.months.end());
  }
  result->found_months.assign(found.begin(), found.end());
  const std::vector<Month> required = RequiredMonths(context);
  if (required.empty()) return;  // nothing due yet: any current candidate
  for (const Month& month : required) {
    if (!found.count(month)) result->missing_months.push_back(month);
  }
  if (result->missing_months.empty()) return;
  if (!found.empty()) {
    result->state = State::kIncomplete;
  } else if (result->state == State::kOk) {
    result->state = State::kNoDate;  // current by year, but no month named
  }
}

ComponentResult JudgeComponent(const Item& item, const Component& component,
                               const JudgeContext& context,
                               const std::vector<Hit>& hits,
                               const FactIndex& index, size_t site_pages) {
  ComponentResult result;
  result.component = &component;
  result.candidates = Collect(item, component, hits, index, site_pages,
                              &result.placeholder_url);
  for (Candidate& candidate : result.candidates) {
    Evaluate(component, context, &candidate);
  }
  std::sort(result.candidates.begin(), result.candidates.end(),
            BetterCandidate);
  if (result.candidates.empty()) return result;
  result.state = result.candidates.front().state;
  if (component.freshness == Freshness::kMonthly) JudgeMonths(context, &result);
  if (result.state == State::kStale || result.state == State::kNoDate) {
    result.unfetched_alternative = std::any_of(
        result.candidates.begin(), result.candidates.end(),
        [](const Candidate& c) { return c.state == State::kUnfetched; });
  }
  return result;
}

std::string CeMonth(Month month) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%04d-%02d", month.first - 543, month.second);
  return buf;
}

std::string CeDate(const DateFact* date) {
  if (date == nullptr || date->year_be <= 0 || date->month <= 0) return "";
  std::string out = CeMonth({date->year_be, date->month});
  if (date->day <= 0) return out;
  char buf[16];
  std::snprintf(buf, sizeof(buf), "-%02d", date->day);
  return out + buf;
}

EvidenceRef MakeRef(const Component& component, const Candidate& c) {
  EvidenceRef ref;
  ref.component_id = component.id;
  ref.url = c.url;
  ref.found_on =
      c.hit->found_on.empty() && c.facts ? c.facts->found_on : c.hit->found_on;
  ref.text = c.hit->matched;
  ref.field = FieldName(c.hit->field);
  ref.date = CeDate(c.date);
  ref.fiscal_year = c.date ? c.date->fiscal_year : 0;
  ref.date_source = c.date ? c.date->source : "";
  ref.state = StateName(c.state);
  return ref;
}

// Monthly: one reference per month found, from the best candidate naming it.
void AddMonthRefs(const ComponentResult& r, std::vector<EvidenceRef>* out) {
  for (const Month& month : r.found_months) {
    for (const Candidate& c : r.candidates) {
      if (c.state != State::kOk ||
          !std::binary_search(c.months.begin(), c.months.end(), month)) {
        continue;
      }
      EvidenceRef ref = MakeRef(*r.component, c);
      ref.date = CeMonth(month);
      ref.fiscal_year = 0;
      out->push_back(std::move(ref));
      break;
    }
  }
}

void AddEvidence(const ComponentResult& r, std::vector<EvidenceRef>* out) {
  if (!r.found_months.empty()) {
    AddMonthRefs(r, out);
  } else if (!r.candidates.empty()) {
    EvidenceRef ref = MakeRef(*r.component, r.candidates.front());
    if (r.state == State::kNoDate) ref.state = StateName(r.state);
    out->push_back(std::move(ref));
  } else if (!r.placeholder_url.empty()) {
    EvidenceRef ref;
    ref.component_id = r.component->id;
    ref.url = r.placeholder_url;
    ref.state = "placeholder";
    out->push_back(std::move(ref));
  }
}

int NeededYear(const Component& component, int fiscal_year) {
  return component.freshness == Freshness::kPreviousFy ? fiscal_year - 1
                                                       : fiscal_year;
}

std::string Outcome(const Candidate& c) {
  if (c.facts == nullptr || c.facts->outcome.empty()) return "not fetched";
  return c.facts->outcome;
}

std::string UnfetchedNote(const Candidate& c) {
  return "ตรวจ " + c.url + " ไม่ได้ (could not fetch " + c.url + ": " +
         Outcome(c) + ")";
}

std::string StaleNote(const ComponentResult& r, const std::string& need) {
  const Candidate& best = r.candidates.front();
  if (r.state == State::kNoDate) {
    const bool review = best.facts && best.facts->needs_review;
    const bool monthly = r.component->freshness == Freshness::kMonthly;
    return "พบ" + r.component->title + " แต่ไม่พบ" + (monthly ? "เดือนของ" : "") +
           "ปีงบประมาณ " + need + (review ? " ต้องตรวจด้วยตา" : "") + " (found " +
           r.component->id + " at " + best.url + ", no " +
           (monthly ? "month of " : "") + "FY" + need + " date)";
  }
  const std::string got = std::to_string(best.date->fiscal_year);
  return "พบ" + r.component->title + " ปีงบประมาณ " + got + " แต่ต้องเป็น " + need +
         " (found FY" + got + ", need FY" + need + ")";
}

std::string BrokenNote(const ComponentResult& r) {
  const Candidate& best = r.candidates.front();
  const int status = best.facts->http_status;
  const std::string what =
      status > 0 ? "HTTP " + std::to_string(status) : Outcome(best);
  return "ลิงก์" + r.component->title + " เสีย: " + best.url + " ตอบ " + what +
         " (broken link: " + best.url + " returns " + what + ")";
}

std::string MissingNote(const ComponentResult& r) {
  std::string months;
  for (const Month& m : r.missing_months) {
    months += (months.empty() ? "" : ", ") + CeMonth(m);
  }
  if (!months.empty()) {
    return r.component->title + " ขาดเดือน " + months +
           " (missing months: " + months + ")";
  }
  if (r.placeholder_url.empty()) {
    return "ไม่พบ" + r.component->title + " (missing " + r.component->id + ")";
  }
  return "ไม่พบ" + r.component->title + " หน้าอยู่ระหว่างปรับปรุง (missing " +
         r.component->id + "; placeholder page " + r.placeholder_url + ")";
}

// One Thai + English sentence about a component that is not ok.
std::string Note(const ComponentResult& r, int fiscal_year) {
  const std::string need =
      std::to_string(NeededYear(*r.component, fiscal_year));
  switch (r.state) {
    case State::kStale:
    case State::kNoDate: {
      std::string note = StaleNote(r, need);
      for (const Candidate& c : r.candidates) {
        if (c.state == State::kUnfetched) note += "; " + UnfetchedNote(c);
      }
      return note;
    }
    case State::kBroken:
      return BrokenNote(r);
    case State::kUnfetched:
      return UnfetchedNote(r.candidates.front());
    case State::kIncomplete:
    case State::kNone:
      return MissingNote(r);
    case State::kOk:
      break;
  }
  return "";
}

ItemStatus Decide(const std::vector<ComponentResult>& results) {
  std::map<State, int> count;
  bool maybe_current = false;  // a stale find may hide an unfetched current one
  for (const ComponentResult& r : results) {
    ++count[r.state];
    maybe_current = maybe_current || r.unfetched_alternative;
  }
  const int n = results.size();
  const int missing = count[State::kNone] + count[State::kIncomplete];
  if (count[State::kOk] == n) return ItemStatus::kPass;
  if (count[State::kNone] == n) return ItemStatus::kMissing;
  if (count[State::kUnfetched] > 0 && missing == 0 &&
      count[State::kBroken] == 0) {
    return ItemStatus::kUnchecked;
  }
  if (count[State::kBroken] > 0) return ItemStatus::kBroken;
  if (missing == 0 && count[State::kUnfetched] == 0) {
    return maybe_current ? ItemStatus::kUnchecked : ItemStatus::kStale;
  }
  return ItemStatus::kPartial;
}

std::string Reason(ItemStatus status,
                   const std::vector<ComponentResult>& results,
                   int fiscal_year) {
  const std::string fy = std::to_string(fiscal_year);
  if (status == ItemStatus::kPass) {
    return "พบครบทุกองค์ประกอบ (all components found for FY" + fy + ")";
  }
  std::string reason;
  if (status == ItemStatus::kMissing) reason = "ไม่พบหลักฐาน (no evidence found)";
  for (const ComponentResult& r : results) {
    if (r.state == State::kOk) continue;
    if (status == ItemStatus::kMissing && r.placeholder_url.empty()) continue;
    reason += (reason.empty() ? "" : "; ") + Note(r, fiscal_year);
  }
  return reason;
}

ItemVerdict JudgeItem(const Item& item, const JudgeContext& context,
                      const std::vector<Hit>& hits, const FactIndex& index,
                      size_t site_pages) {
  std::vector<ComponentResult> results;
  for (const Component& component : item.components) {
    results.push_back(
        JudgeComponent(item, component, context, hits, index, site_pages));
  }
  ItemVerdict verdict;
  verdict.item_id = item.id;
  verdict.title = item.title;
  verdict.status = Decide(results);
  verdict.reason = Reason(verdict.status, results, context.fiscal_year);
  for (const ComponentResult& r : results) {
    if (r.state == State::kNone)
      verdict.missing_components.push_back(r.component->title);
    for (const Month& m : r.missing_months)
      verdict.missing_months.push_back(CeMonth(m));
    AddEvidence(r, &verdict.evidence);
  }
  return verdict;
}

}  // namespace

std::vector<ItemVerdict> JudgeSite(const RuleSet& rules,
                                   const JudgeContext& context,
                                   const std::vector<UrlFacts>& facts,
                                   const std::vector<Hit>& hits) {
  FactIndex index;
  size_t site_pages = 0;  // fetched HTML pages of the site
  for (const UrlFacts& f : facts) {
    index.emplace(f.url, &f);
    if (f.kind == UrlKind::kPage && f.ok) ++site_pages;
  }
  std::vector<ItemVerdict> verdicts;
  for (const Item& item : rules.items) {
    verdicts.push_back(JudgeItem(item, context, hits, index, site_pages));
  }
  return verdicts;
}

std::vector<ItemVerdict> UncheckedVerdicts(const RuleSet& rules,
                                           const std::string& reason) {
  std::vector<ItemVerdict> verdicts;
  for (const Item& item : rules.items) {
    ItemVerdict verdict;
    verdict.item_id = item.id;
    verdict.title = item.title;
    verdict.status = ItemStatus::kUnchecked;
    verdict.reason = reason;
    verdicts.push_back(std::move(verdict));
  }
  return verdicts;
}

}  // namespace oitwatch