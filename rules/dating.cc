// Dating a candidate (see dating.h).
#include "rules/dating.h"

#include <algorithm>
#include <iterator>
#include <set>
#include <string>
#include <tuple>

#include "rules/thai_text.h"

namespace oitwatch {
namespace {

struct DateSource {
  const char* name;
  bool counts_for_year;
};
constexpr DateSource kDatePrecedence[] = {
    {"link_text", true}, {"title", true},      {"headings", true},
    {"url", true},       {"doc_text", true},   {"pdf_meta", true},
    {"url_folder", false}, {"page_text", true}, {"last_modified", false},
};
constexpr int kLinkTextRank = 0;
constexpr int kTitleRank = 1;
constexpr int kHeadingsRank = 2;
constexpr int kUrlRank = 3;
constexpr int kDocTextRank = 4;
constexpr int kPdfMetaRank = 5;
constexpr int kPageTextRank = 7;
constexpr int kNoRank = 100;

// A page whose text names this many distinct full dates is a dated list
// (news, announcements, procurement notices): those days date it.
constexpr size_t kDatedListDays = 3;

// True if a year read from a URL lies in its last path segment (the file
// name), not in a folder such as /ITA/2568/ (the target year of the
// assessment, not the content's year).
bool InFileName(const DateFact& fact) {
  std::string path = fact.url.substr(0, fact.url.find_first_of("?#"));
  path = NormalizeThai(PercentDecode(path.substr(path.rfind('/') + 1)));
  return path.find(fact.text) != std::string::npos;
}

int SourceRank(const DateFact& fact) {
  std::string source =
      fact.source.empty() ? FieldName(fact.field) : fact.source;
  if (source == "url" && !fact.url.empty() && !InFileName(fact)) {
    source = "url_folder";
  }
  for (int i = 0; i < static_cast<int>(std::size(kDatePrecedence)); ++i) {
    if (source == kDatePrecedence[i].name) return i;
  }
  return kNoRank;
}

bool CountsForYear(int rank) {
  return rank < kNoRank && kDatePrecedence[rank].counts_for_year;
}

bool NamesMonth(const DateFact& fact) {
  return fact.month >= 1 && fact.month <= 12 && fact.year_be > 0;
}

bool NamesDay(const DateFact& fact) {
  return fact.day >= 1 && NamesMonth(fact);
}

// What a page-text fact says of the page itself, best first: a year with a
// fiscal marker, a full date, a month ("เมษายน 2568": a calendar's caption
// as often as a report's month), a bare year (a footer's "© 2568").
int PageTextClass(const DateFact& fact) {
  if (fact.fiscal_marker) return 0;
  if (NamesDay(fact)) return 1;
  return fact.month >= 1 && fact.month <= 12 ? 2 : 3;
}

// True if `a` is a better date than `b` of the source of rank `rank`.
bool BetterDate(const DateFact& a, const DateFact& b, int rank) {
  if (rank == kUrlRank) return true;  // facts come in text order: the later wins
  if (rank == kPageTextRank && PageTextClass(a) != PageTextClass(b)) {
    return PageTextClass(a) < PageTextClass(b);
  }
  if (a.fiscal_marker != b.fiscal_marker) return a.fiscal_marker;
  return a.fiscal_year > b.fiscal_year;
}

// True if the page text names kDatedListDays distinct full dates: a dated
// list, whose days date it (a year without a day there is another topic).
bool IsDatedList(const std::vector<DateFact>& dates) {
  std::set<std::tuple<int, int, int>> days;
  for (const DateFact& fact : dates) {
    if (!NamesDay(fact) || SourceRank(fact) != kPageTextRank) continue;
    days.insert({fact.year_be, fact.month, fact.day});
    if (days.size() >= kDatedListDays) return true;
  }
  return false;
}

// True if the page text names with a marker only fiscal years older than
// that of its latest full date: a plan of FY2567 ("แผนปฏิบัติการ
// ประจำปีงบประมาณ พ.ศ. 2567") listing its meetings of FY2568 is FY2567's,
// not a dated list of FY2568. A later marked year (next year's draft
// budget, a five-year plan's "2566-2570") leaves a list its days.
bool NamesOnlyOlderMarkedYears(const std::vector<DateFact>& dates) {
  int marked = 0, latest_day = 0;
  for (const DateFact& fact : dates) {
    if (fact.fiscal_year <= 0 || SourceRank(fact) != kPageTextRank) continue;
    if (fact.fiscal_marker) marked = std::max(marked, fact.fiscal_year);
    if (NamesDay(fact)) latest_day = std::max(latest_day, fact.fiscal_year);
  }
  return marked > 0 && marked < latest_day;
}

// True for the sources that are the document's own words about itself:
// its title, headings, text and PDF metadata (not a link to it, not its URL,
// not a page's running text).
bool IsContentRank(int rank) {
  return rank == kTitleRank || rank == kHeadingsRank || rank == kDocTextRank ||
         rank == kPdfMetaRank;
}

// The newest fiscal year the document names of itself with a marker
// ("ประจำปีงบประมาณ พ.ศ. 2567"), or nullptr. Ties go to the better source.
const DateFact* ContentYear(const UrlFacts& facts) {
  const DateFact* best = nullptr;
  int best_rank = kNoRank;
  for (const DateFact& fact : facts.dates) {
    const int rank = SourceRank(fact);
    if (fact.fiscal_year <= 0 || !fact.fiscal_marker || !IsContentRank(rank)) {
      continue;
    }
    if (best == nullptr || fact.fiscal_year > best->fiscal_year ||
        (fact.fiscal_year == best->fiscal_year && rank < best_rank)) {
      best = &fact;
      best_rank = rank;
    }
  }
  return best;
}

// The best fact by the precedence; nullptr if none.
const DateFact* BestByPrecedence(const UrlFacts& facts, bool display) {
  const bool dated_list =
      IsDatedList(facts.dates) && !NamesOnlyOlderMarkedYears(facts.dates);
  const DateFact* best = nullptr;
  int best_rank = kNoRank;
  for (const DateFact& fact : facts.dates) {
    const int rank = SourceRank(fact);
    if (fact.fiscal_year <= 0 || rank >= kNoRank) continue;
    if (!display && !CountsForYear(rank)) continue;
    if (rank == kPageTextRank && dated_list && !NamesDay(fact)) continue;
    if (rank < best_rank ||
        (rank == best_rank && BetterDate(fact, *best, rank))) {
      best = &fact;
      best_rank = rank;
    }
  }
  return best;
}

}  // namespace

// The date a verdict rests on; `display` also accepts last_modified.
const DateFact* PickDate(const UrlFacts* facts, bool display) {
  if (facts == nullptr) return nullptr;
  const DateFact* best = BestByPrecedence(*facts, display);
  if (best == nullptr || display || SourceRank(*best) != kLinkTextRank) {
    return best;
  }
  // A link that names a newer year than the document names of itself (last
  // year's file re-linked as this year's): the assessor reads the document.
  const DateFact* content = ContentYear(*facts);
  if (content != nullptr && content->fiscal_year < best->fiscal_year) {
    return content;
  }
  return best;
}

const DateFact* LinkDate(const UrlFacts* facts) {
  if (facts == nullptr) return nullptr;
  const DateFact* best = nullptr;
  for (const DateFact& fact : facts->dates) {
    if (fact.fiscal_year <= 0 || SourceRank(fact) != kLinkTextRank) continue;
    if (best == nullptr || BetterDate(fact, *best, kLinkTextRank)) {
      best = &fact;
    }
  }
  return best;
}

bool InFiscalYear(Month month, int fiscal_year) {
  return (month.first == fiscal_year - 1 && month.second >= 10) ||
         (month.first == fiscal_year && month.second <= 9);
}

// Months of the assessed FY named by the best-ranked source that names any.
std::vector<Month> CandidateMonths(const UrlFacts* facts, int fiscal_year) {
  std::vector<Month> months;
  if (facts == nullptr) return months;
  int best_rank = kNoRank;
  for (const DateFact& fact : facts->dates) {
    const int rank = SourceRank(fact);
    if (fact.month < 1 || fact.month > 12 || fact.year_be <= 0) continue;
    if (!CountsForYear(rank) || rank > best_rank) continue;
    if (rank < best_rank) months.clear();
    best_rank = rank;
    const Month month{fact.year_be, fact.month};
    if (InFiscalYear(month, fiscal_year)) months.push_back(month);
  }
  std::sort(months.begin(), months.end());
  months.erase(std::unique(months.begin(), months.end()), months.end());
  return months;
}

namespace {

constexpr size_t kNoFact = static_cast<size_t>(-1);
constexpr int kRanks = static_cast<int>(std::size(kDatePrecedence));

// Of the page text's full dates: the first kDatedListDays distinct ones
// (whether it is a dated list) and the latest (its date if it is one).
struct PageTextDays {
  std::set<std::tuple<int, int, int>> days;  // (year BE, month, day)
  size_t latest = kNoFact;

  // True if dates[i] (a page-text fact) is one of the first distinct days.
  bool Add(const std::vector<DateFact>& dates, size_t i) {
    const DateFact& fact = dates[i];
    if (!NamesDay(fact)) return false;
    if (fact.fiscal_year > 0 &&
        (latest == kNoFact || fact.fiscal_year > dates[latest].fiscal_year)) {
      latest = i;
    }
    return days.size() < kDatedListDays &&
           days.insert({fact.year_be, fact.month, fact.day}).second;
  }
};

// keep[i]: dates[i] is, in its source, PickDate's choice, the first fact
// naming a month or the first naming one month of the FY (as CandidateMonths
// reads them), or the first fact of the FY at all; in the page text also
// the facts that tell a dated list and its latest day.
std::vector<bool> Deciding(const std::vector<DateFact>& dates,
                           int fiscal_year) {
  std::vector<bool> keep(dates.size(), false);
  size_t best[kRanks], first_month[kRanks];
  std::fill_n(best, kRanks, kNoFact);
  std::fill_n(first_month, kRanks, kNoFact);
  std::set<std::tuple<int, int, int>> months;  // (rank, year BE, month)
  PageTextDays page_days;
  bool year_kept = false;
  for (size_t i = 0; i < dates.size(); ++i) {
    const DateFact& fact = dates[i];
    if (!year_kept && fact.fiscal_year == fiscal_year) keep[i] = year_kept = true;
    const int rank = SourceRank(fact);
    if (rank >= kNoRank) continue;
    if (fact.fiscal_year > 0 &&
        (best[rank] == kNoFact || BetterDate(fact, dates[best[rank]], rank))) {
      best[rank] = i;
    }
    if (rank == kPageTextRank && page_days.Add(dates, i)) keep[i] = true;
    if (!NamesMonth(fact)) continue;
    if (first_month[rank] == kNoFact) first_month[rank] = i;
    if (InFiscalYear({fact.year_be, fact.month}, fiscal_year) &&
        months.insert({rank, fact.year_be, fact.month}).second) {
      keep[i] = true;
    }
  }
  for (int rank = 0; rank < kRanks; ++rank) {
    if (best[rank] != kNoFact) keep[best[rank]] = true;
    if (first_month[rank] != kNoFact) keep[first_month[rank]] = true;
  }
  if (page_days.latest != kNoFact) keep[page_days.latest] = true;
  return keep;
}

}  // namespace

std::vector<DateFact> DecidingDates(const std::vector<DateFact>& dates,
                                    int fiscal_year) {
  const std::vector<bool> keep = Deciding(dates, fiscal_year);
  std::vector<DateFact> out;
  for (size_t i = 0; i < dates.size(); ++i) {
    if (keep[i]) out.push_back(dates[i]);
  }
  return out;
}

// October of FY-1 up to the month before as-of, capped at September of FY.
std::vector<Month> RequiredMonths(const JudgeContext& context) {
  std::vector<Month> months;
  const int as_of = (context.as_of_year + 543) * 12 + context.as_of_month - 1;
  const int first = (context.fiscal_year - 1) * 12 + 9;  // October FY-1
  const int last = std::min(as_of - 1, context.fiscal_year * 12 + 8);
  for (int m = first; m <= last; ++m) months.push_back({m / 12, m % 12 + 1});
  return months;
}

}  // namespace oitwatch
