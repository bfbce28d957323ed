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

// A full date read from the page text: `day` `month` `year_be`.
DateFact Day(int day, int month, int year_be) {
  DateFact d = Fact("page_text", month >= 10 ? year_be + 1 : year_be, year_be,
                    month);
  d.day = day;
  d.text = std::to_string(day) + "/" + std::to_string(month) + "/" +
           std::to_string(year_be);
  return d;
}

// Eight news items of March 2566 (FY2566), as a news list names them.
std::vector<DateFact> OldNews() {
  std::vector<DateFact> dates;
  for (int day = 1; day <= 8; ++day) dates.push_back(Day(day, 3, 2566));
  return dates;
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

int PickedYear(const std::vector<DateFact>& dates) {
  const UrlFacts facts = With(dates);
  const DateFact* picked = PickDate(&facts, false);
  return picked == nullptr ? 0 : picked->fiscal_year;
}

// rt7parse finding 5: a year without a day on a list of old news (site
// chrome or a widget) does not make the list current.
TEST(PickDateTest, YearWithoutADayDoesNotDateADatedList) {
  for (const DateFact& chrome :
       {Fact("page_text", 2568, 2568, 0, false, "2568"),   // "© 2568"
        Fact("page_text", 2568, 2025, 0, false, "2025"),   // "© 2025"
        Fact("page_text", 2568, 2568, 4, false, "เมษายน 2568"),  // calendar
        Fact("page_text", 2568, 2568, 0, false, "ปี 2568"),      // counter
        Fact("page_text", 2568, 2568, 0, true, "ปีงบประมาณ 2568")}) {
    SCOPED_TRACE(chrome.text);
    std::vector<DateFact> before = OldNews(), after = OldNews();
    before.insert(before.begin(), chrome);
    after.push_back(chrome);
    EXPECT_EQ(PickedYear(before), 2566);
    EXPECT_EQ(PickedYear(after), 2566);
    ExpectSameJudgement(after, DecidingDates(after, kFy));
  }
}

// rt7parse finding 6: a later year on another topic (a five-year plan in a
// sidebar, next year's draft budget) does not make in-year news stale.
TEST(PickDateTest, LaterMarkedYearDoesNotDateADatedList) {
  std::vector<DateFact> news;
  for (int day = 1; day <= 8; ++day) news.push_back(Day(day, 3, 2568));
  std::vector<DateFact> plan = news;  // "แผนพัฒนาเขต ปีงบประมาณ 2566-2570"
  plan.push_back(Fact("page_text", 2566, 2566, 0, true, "ปีงบประมาณ 2566"));
  plan.push_back(Fact("page_text", 2570, 2570, 0, true, "2570"));
  EXPECT_EQ(PickedYear(plan), 2568);
  std::vector<DateFact> budget = news;
  budget.push_back(
      Fact("page_text", 2569, 2569, 0, true, "ประจำปีงบประมาณ พ.ศ. 2569"));
  EXPECT_EQ(PickedYear(budget), 2568);
}

// Red team (session 8): a plan page naming FY2567 with a marker
// ("แผนปฏิบัติการ ประจำปีงบประมาณ พ.ศ. 2567") and listing its meetings of
// FY2568 is FY2567's, not a dated list of FY2568 (before: 2568, a pass).
TEST(PickDateTest, OlderMarkedYearWinsOverTheDaysItLists) {
  const DateFact plan =
      Fact("page_text", 2567, 2567, 0, true, "ประจำปีงบประมาณพ.ศ. 2567");
  std::vector<DateFact> dates = {plan, Day(5, 11, 2567), Day(10, 1, 2568),
                                 Day(3, 3, 2568)};
  EXPECT_EQ(PickedYear(dates), 2567);
  ExpectSameJudgement(dates, DecidingDates(dates, kFy));
  // Wherever the year stands on the page, and with a bare year beside it.
  std::vector<DateFact> after = {Day(5, 11, 2567), Day(10, 1, 2568),
                                 Day(3, 3, 2568), Fact("page_text", 2568),
                                 plan};
  EXPECT_EQ(PickedYear(after), 2567);
  ExpectSameJudgement(after, DecidingDates(after, kFy));
}

// The page also names the list's year (or a later one) with a marker: the
// older year is another topic (last year's results in a news item), and
// the list's days decide as before.
TEST(PickDateTest, OlderMarkedYearBesideTheListsOwnYearLeavesTheList) {
  for (int named : {2568, 2569}) {
    SCOPED_TRACE(named);
    std::vector<DateFact> dates = {
        Fact("page_text", 2567, 2567, 0, true, "ประจำปีงบประมาณ 2567"),
        Day(5, 11, 2567), Day(10, 1, 2568), Day(3, 3, 2568),
        Fact("page_text", named, named, 0, true, "ปีงบประมาณ")};
    EXPECT_EQ(PickedYear(dates), 2568);
    ExpectSameJudgement(dates, DecidingDates(dates, kFy));
  }
}

// A date read in the site's chrome (rules/site_chrome.h) dates nothing, not
// even for display: a page with only today's date in its header has none.
TEST(PickDateTest, ChromeDateDatesNothing) {
  const DateFact today = [] {
    DateFact d = Day(22, 11, 2569);
    d.source = "page_chrome";
    return d;
  }();
  const UrlFacts alone = With({today});
  EXPECT_EQ(PickDate(&alone, false), nullptr);
  EXPECT_EQ(PickDate(&alone, true), nullptr);
  EXPECT_TRUE(CandidateMonths(&alone, 2570).empty());
  std::vector<DateFact> news = OldNews();
  news.push_back(today);
  EXPECT_EQ(PickedYear(news), 2566);
  ExpectSameJudgement(news, DecidingDates(news, kFy));
}

// A list's latest day still decides: old news plus one current item is
// current, current news plus one of next year is stale (as before).
TEST(PickDateTest, DatedListTakesItsLatestDay) {
  std::vector<DateFact> dates = OldNews();
  dates.push_back(Day(5, 3, 2568));
  EXPECT_EQ(PickedYear(dates), 2568);
  dates.push_back(Day(1, 10, 2568));
  EXPECT_EQ(PickedYear(dates), 2569);
}

// A page with fewer days is not a list: its marked year still wins over a
// posting date (last year's plan posted this year is stale), and a full
// date wins over a month or a bare year.
TEST(PickDateTest, PageWithoutAListKeepsMarkerFirst) {
  EXPECT_EQ(PickedYear({Fact("page_text", 2567, 2567, 0, true,
                             "ประจำปีงบประมาณ พ.ศ. 2567"),
                        Day(5, 10, 2567), Day(2, 12, 2567)}),
            2567);
  EXPECT_EQ(PickedYear({Day(5, 3, 2566), Day(6, 3, 2566),
                        Fact("page_text", 2568, 2568, 4, false, "เมษายน 2568"),
                        Fact("page_text", 2568, 2568, 0, false, "2568")}),
            2566);
  EXPECT_EQ(PickedYear({Fact("page_text", 2567, 2567, 0, false, "2567"),
                        Fact("page_text", 2568, 2568, 2, false, "กุมภาพันธ์ 2568")}),
            2568);
}

// Another source than the page text keeps its rule: the latest marked year.
TEST(PickDateTest, HeadingsKeepTheLatestMarkedYear) {
  EXPECT_EQ(PickedYear({Fact("headings", 2566, 2566, 3, false, "มีนาคม 2566"),
                        Fact("headings", 2568, 2568, 0, false, "2568")}),
            2568);
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
      const char* source = pick(3) == 0 ? "page_text" : kSources[pick(9)];
      dates.push_back(Fact(source, pick(6) ? year : 0,
                           pick(4) ? year : 0, month, pick(3) == 0, text));
      if (pick(2)) dates.back().day = 1 + pick(3);  // few days: repeats
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

// Page text as a news list names it: days of one month, some bare or
// marked years beside them (whether it is a dated list depends on facts
// that decide nothing else).
TEST(DecidingDatesTest, SameJudgementOnRandomPageTextAndOnPartsPutTogether) {
  std::mt19937 rng(2569);
  auto pick = [&rng](int n) {
    return static_cast<int>(std::uniform_int_distribution<int>(0, n - 1)(rng));
  };
  for (int trial = 0; trial < 500; ++trial) {
    std::vector<DateFact> dates;
    const int n = pick(12);
    for (int i = 0; i < n; ++i) {
      const int year = 2565 + pick(6);
      if (pick(3) == 0) {
        dates.push_back(Fact("page_text", year, year, 0, pick(2) == 0));
      } else {
        dates.push_back(Day(1 + pick(4), 3, year));
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
