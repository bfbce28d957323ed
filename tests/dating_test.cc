// DecidingDates: of a URL's dates, the few that PickDate and CandidateMonths
// rest on; on them (and on them put together part by part) both return what
// they return on all the dates. FY2568 is assessed.
#include "rules/dating.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace oitwatch {
namespace {

constexpr int kFy = 2568;
const char kUrl[] = "http://example.test/ita/2568/plan-2567.pdf";

DateFact Fact(const std::string& source, int fy, int year_be = 0,
              int month = 0, bool marker = false, const std::string& text = "") {
  DateFact d;
  ParseField(source == "pdf_meta" ? "doc_text" : source, &d.field);
  d.source = source;
  d.fiscal_year = fy;
  d.year_be = year_be;
  d.month = month;
  d.fiscal_marker = marker;
  d.text = text.empty() ? std::to_string(year_be > 0 ? year_be : fy) : text;
  d.url = kUrl;
  return d;
}

UrlFacts With(std::vector<DateFact> dates) {
  UrlFacts f;
  f.url = kUrl;
  f.dates = std::move(dates);
  return f;
}

// "" for no date, else the fields a verdict shows of it.
std::string Describe(const DateFact* d) {
  if (d == nullptr) return "";
  return d->source + " " + std::to_string(d->fiscal_year) + " " +
         std::to_string(d->year_be) + "-" + std::to_string(d->month) + " " +
         (d->fiscal_marker ? "marker " : "") + d->text;
}

bool NamesFy(const std::vector<DateFact>& dates) {
  for (const DateFact& d : dates) {
    if (d.fiscal_year == kFy) return true;
  }
  return false;
}

// PickDate (both modes), CandidateMonths and "a fact of the FY" agree.
void ExpectSameJudgement(const std::vector<DateFact>& all,
                         const std::vector<DateFact>& kept) {
  const UrlFacts a = With(all), k = With(kept);
  for (bool display : {false, true}) {
    EXPECT_EQ(Describe(PickDate(&a, display)), Describe(PickDate(&k, display)))
        << "display " << display;
  }
  EXPECT_EQ(CandidateMonths(&a, kFy), CandidateMonths(&k, kFy));
  EXPECT_EQ(NamesFy(all), NamesFy(kept));
}

TEST(DecidingDatesTest, KeepsThePickedDateOfEachSourceAndDropsTheRest) {
  const std::vector<DateFact> dates = {
      Fact("page_text", 2566), Fact("page_text", 2567, 0, 0, true),
      Fact("page_text", 2569), Fact("page_text", 2567, 0, 0, true, "อีกครั้ง"),
      Fact("title", 2565),     Fact("title", 2566)};
  const std::vector<DateFact> kept = DecidingDates(dates, kFy);
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(Describe(&kept[0]), Describe(&dates[1]));  // marker wins, first
  EXPECT_EQ(Describe(&kept[1]), Describe(&dates[5]));
  ExpectSameJudgement(dates, kept);
}

TEST(DecidingDatesTest, KeepsTheLastYearOfTheFileName) {
  std::vector<DateFact> dates = {Fact("url", 2567, 2567, 0, false, "2567"),
                                 Fact("url", 2566, 2566, 0, false, "2566")};
  for (DateFact& d : dates) d.url = "http://example.test/plan-2567-2566.pdf";
  const std::vector<DateFact> kept = DecidingDates(dates, kFy);
  EXPECT_EQ(kept.size(), 1u);
  ExpectSameJudgement(dates, kept);
  const UrlFacts k = With(kept);
  ASSERT_NE(PickDate(&k, false), nullptr);
  EXPECT_EQ(PickDate(&k, false)->fiscal_year, 2566);
}

TEST(DecidingDatesTest, KeepsEveryMonthOfTheFiscalYearOnce) {
  std::vector<DateFact> dates;
  for (int round = 0; round < 3; ++round) {
    for (int month = 1; month <= 12; ++month) {
      const int year = month >= 10 ? 2567 : 2568;
      dates.push_back(Fact("page_text", 2568, year, month));
      dates.push_back(Fact("page_text", 2566, 2565, month));  // another FY
    }
  }
  const std::vector<DateFact> kept = DecidingDates(dates, kFy);
  EXPECT_EQ(kept.size(), 12u);  // the first names a month and is picked too
  ExpectSameJudgement(dates, kept);
}

TEST(DecidingDatesTest, KeepsAFactOfTheAssessedYearThatDecidesNothing) {
  const std::vector<DateFact> dates = {Fact("page_text", 2569, 0, 0, true),
                                       Fact("page_text", 2568)};
  const std::vector<DateFact> kept = DecidingDates(dates, kFy);
  EXPECT_EQ(kept.size(), 2u);
  ExpectSameJudgement(dates, kept);
}

TEST(DecidingDatesTest, SameJudgementOnRandomDatesAndOnPartsPutTogether) {
  const char* const kSources[] = {"link_text", "title",     "headings",
                                  "url",       "doc_text",  "pdf_meta",
                                  "page_text", "last_modified", "mystery"};
  std::mt19937 rng(2568);
  auto pick = [&rng](int n) {
    return static_cast<int>(std::uniform_int_distribution<int>(0, n - 1)(rng));
  };
  for (int trial = 0; trial < 500; ++trial) {
    std::vector<DateFact> dates;
    const int n = pick(40);
    for (int i = 0; i < n; ++i) {
      const int year = 2565 + pick(5);
      const int month = pick(14) - 1;  // -1 .. 12: some invalid, some none
      std::string text = std::to_string(year);
      if (pick(2)) text = "x" + text;  // some url years in a folder only
      dates.push_back(Fact(kSources[pick(9)], pick(6) ? year : 0,
                           pick(4) ? year : 0, month, pick(3) == 0, text));
      if (dates.back().source == "url" && text[0] == 'x') {
        dates.back().url = std::string("http://example.test/") + text + "/a.pdf";
      }
    }
    SCOPED_TRACE("trial " + std::to_string(trial));
    ExpectSameJudgement(dates, DecidingDates(dates, kFy));
    const size_t cut = dates.empty() ? 0 : pick(static_cast<int>(dates.size()));
    std::vector<DateFact> head(dates.begin(), dates.begin() + cut);
    std::vector<DateFact> tail(dates.begin() + cut, dates.end());
    std::vector<DateFact> parts = DecidingDates(head, kFy);
    for (DateFact& d : DecidingDates(tail, kFy)) parts.push_back(d);
    ExpectSameJudgement(dates, parts);
  }
}

}  // namespace
}  // namespace oitwatch
