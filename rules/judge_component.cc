// Judging one component (see judge_component.h): candidate collection,
// the fetch and year state of each candidate, their ranking, and the months
// of a monthly series.
#include "rules/judge_component.h"

#include <algorithm>
#include <map>
#include <set>
#include <string_view>
#include <utility>

namespace oitwatch {
namespace judge_internal {
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

constexpr const char* kStateNames[] = {
    "ok", "stale", "no_date", "broken", "unfetched", "missing", "incomplete"};

State FetchState(const UrlFacts* facts) {
  if (facts == nullptr || !facts->fetched) return State::kUnfetched;
  if (facts->ok) return facts->unreadable ? State::kBroken : State::kOk;
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
    // A later fiscal year than the assessed one is not the assessed year's
    // evidence either (next year's plan, a mistyped year): stale, not pass.
    case Freshness::kPreviousFy:  // FY-1's report, or FY's published early
      return fy == fiscal_year - 1 || fy == fiscal_year ? State::kOk
                                                        : State::kStale;
    default:
      return fy == fiscal_year ? State::kOk : State::kStale;
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

// What the fields that name a URL (ExclusionNamesUrl: link text, title,
// document text) say about it, for one component of an item.
struct UrlNames {
  std::set<std::string> excluded;  // named as something it excludes
  std::set<std::string> own;       // named as this component
  std::set<std::string> other;     // named as another component of the item
};

UrlNames NamesOf(const Item& item, const Component& component,
                 const std::vector<Hit>& hits) {
  UrlNames names;
  for (const Hit& hit : hits) {
    if (hit.item_id != item.id || !ExclusionNamesUrl(hit.field)) continue;
    if (hit.component_id != component.id) {
      names.other.insert(hit.url);
    } else {
      (hit.excluded ? names.excluded : names.own).insert(hit.url);
    }
  }
  return names;
}

// A URL is not the component's evidence when a naming field excludes it
// (Hit::excluded: "รายงานผล ... รอบ 6 เดือน" is not the plan), whatever its
// other fields or other links say: a false pass is the worse error. Nor is
// a file name enough when the naming fields name another component of the
// item and never this one (Spending_Plan_Q2_2568.pdf linked as the quarter's
// spending report). Headings and page text keep their say: a hub page can
// hold several components.
bool NamedOtherwise(const UrlNames& names, const Hit& hit) {
  if (names.excluded.count(hit.url)) return true;
  return hit.field == Field::kUrl && names.other.count(hit.url) &&
         !names.own.count(hit.url);
}

// Groups the component's hits by URL; drops URLs named otherwise, unusable
// and placeholder URLs, and headings that are page chrome.
std::vector<Candidate> Collect(const Item& item, const Component& component,
                               const std::vector<Hit>& hits,
                               const FactIndex& index, size_t site_pages,
                               std::string* placeholder) {
  std::map<std::string, Candidate> by_url;
  std::map<std::string, std::set<std::string>> pages;
  const std::set<std::string> chrome =
      ChromeHeadings(item, component, hits, site_pages);
  const UrlNames names = NamesOf(item, component, hits);
  for (const Hit& hit : hits) {
    if (hit.item_id != item.id || hit.component_id != component.id) continue;
    if (NamedOtherwise(names, hit)) continue;
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

}  // namespace

const char* StateName(State state) {
  return kStateNames[static_cast<int>(state)];
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

}  // namespace judge_internal
}  // namespace oitwatch
