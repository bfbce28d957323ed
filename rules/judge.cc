// The judge: URL facts + pattern hits -> one verdict per item.
//
// A false "pass" is the worst error, a false "missing" the next worst. Each
// component of an item is judged on its own (judge_component.h: which URLs
// count as evidence, broken versus unfetched, the year and the months);
// this file combines the component results into the item's status (an item
// whose only evidence could not be fetched is kUnchecked, never kMissing),
// writes its Thai + English reason and picks its evidence references.
#include "rules/judge.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <utility>

#include "rules/dating.h"
#include "rules/judge_component.h"
#include "rules/thai_text.h"

namespace oitwatch {
namespace {

using judge_internal::Candidate;
using judge_internal::ComponentResult;
using judge_internal::FactIndex;
using judge_internal::JudgeComponent;
using judge_internal::State;
using judge_internal::StateName;

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
  if (c.facts != nullptr && c.facts->outcome == kOutcomePdfTooComplex) {
    return "อ่านไฟล์ " + c.url + " อย่างปลอดภัยไม่ได้ (could not read " + c.url +
           ": " + c.facts->error + ")";
  }
  return "ตรวจ " + c.url + " ไม่ได้ (could not fetch " + c.url + ": " +
         Outcome(c) + ")";
}

// The fiscal year of the latest full date in `facts`' page text, 0 if none.
int LatestPageDayYear(const UrlFacts* facts) {
  int year = 0;
  if (facts == nullptr) return year;
  for (const DateFact& d : facts->dates) {
    if (d.source == "page_text" && d.day > 0) {
      year = std::max(year, d.fiscal_year);
    }
  }
  return year;
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
  std::string note = "พบ" + r.component->title + " ปีงบประมาณ " + got +
                     " แต่ต้องเป็น " + need + " (found FY" + got + ", need FY" +
                     need + ")";
  const DateFact* link = LinkDate(best.facts);
  if (link != nullptr && link->fiscal_year > best.date->fiscal_year) {
    const std::string said = std::to_string(link->fiscal_year);
    note += "; ลิงก์ระบุปี " + said + " แต่เนื้อหาเอกสารระบุปี " + got + " (\"" +
            best.date->text + "\") (the link says FY" + said +
            ", the document itself FY" + got + ")";
  }
  // A page naming an older fiscal year than the days it lists (a FY2567
  // plan with its meetings of FY2568, rules/dating.h): say why its dates
  // are not its year, as the committee sees them on the page.
  const int days = LatestPageDayYear(best.facts);
  if (best.date->source == "page_text" && best.date->fiscal_marker &&
      days > best.date->fiscal_year) {
    const std::string listed = std::to_string(days);
    note += "; หน้านี้ระบุปีงบประมาณ " + got + " (\"" + best.date->text +
            "\") วันที่ปี " + listed +
            " ในหน้าไม่ใช่ปีของเอกสาร (the page names FY" + got +
            "; its dates of FY" + listed + " do not date it)";
  }
  return note;
}

std::string BrokenNote(const ComponentResult& r) {
  const Candidate& best = r.candidates.front();
  if (best.facts->ok && best.facts->unreadable) {  // its error says why
    const bool page = best.facts->kind == UrlKind::kPage;  // StandInPage
    return (page ? "หน้า" : "ไฟล์") + r.component->title +
           " เปิดไม่ได้: " + best.url + " (" +
           best.facts->error + ")";
  }
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

// A pass that rests on a scanned PDF (no text layer: nothing in it could
// confirm what the link says) asks for a look.
std::string ReviewNote(const std::vector<ComponentResult>& results) {
  for (const ComponentResult& r : results) {
    if (r.state != State::kOk || r.candidates.empty()) continue;
    const Candidate& best = r.candidates.front();
    if (best.facts == nullptr || !best.facts->needs_review) continue;
    return " [ต้องตรวจด้วยตา: " + best.url +
           " เป็นภาพสแกน อ่านข้อความไม่ได้ (check by eye: " + best.url +
           " is a scan without text; judged by its link)]";
  }
  return "";
}

std::string Reason(ItemStatus status,
                   const std::vector<ComponentResult>& results,
                   int fiscal_year) {
  const std::string fy = std::to_string(fiscal_year);
  if (status == ItemStatus::kPass) {
    return "พบครบทุกองค์ประกอบ (all components found for FY" + fy + ")" +
           ReviewNote(results);
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
  size_t site_pages = 0;  // fetched HTML pages of the site
  for (const UrlFacts& f : facts) {
    if (f.kind == UrlKind::kPage && f.ok) ++site_pages;
  }
  return JudgeSite(rules, context, facts, hits, site_pages);
}

std::vector<ItemVerdict> JudgeSite(const RuleSet& rules,
                                   const JudgeContext& context,
                                   const std::vector<UrlFacts>& facts,
                                   const std::vector<Hit>& hits,
                                   size_t site_pages) {
  FactIndex index;
  for (const UrlFacts& f : facts) index.emplace(f.url, &f);
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
