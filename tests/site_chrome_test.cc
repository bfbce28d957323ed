// SiteChrome: the lines a site prints around every page (a header with
// today's date, a footer's "last updated") date no page; the lines of a
// page's own content do. Red team finding: a header "วันอาทิตย์ที่ 22
// พฤศจิกายน 2569" on every page made every old page current.
#include "rules/site_chrome.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "rules/thai_date.h"
#include "rules/thai_text.h"

namespace oitwatch {
namespace {

// A page's text as ReadHtml reads it: its lines, the text normalised, the
// dates of it and the key of each date's line.
struct PageText {
  std::vector<std::string> lines;
  std::string text;
  std::vector<DateMention> dates;
  std::vector<LineKey> keys;
};

PageText Read(const std::string& raw) {
  PageText page;
  page.lines = NormalizeThaiLines(raw, &page.text);
  page.dates = FindDates(page.text);
  page.keys = MentionLineKeys(page.lines, page.text, page.dates);
  return page;
}

// The texts of the page's dates that are not the site's chrome, after the
// pages before it were noted; then notes the page.
std::vector<std::string> OwnDates(SiteChrome* site, const std::string& raw,
                                  bool start_page = false) {
  PageText page = Read(raw);
  std::vector<DateMention> chrome;
  if (!start_page) TakeChromeMentions(*site, page.keys, &page.dates, &chrome);
  site->AddPage(page.keys, start_page);
  std::vector<std::string> texts;
  for (const DateMention& d : page.dates) texts.push_back(d.text);
  return texts;
}

const char kHeader[] = "วันอาทิตย์ที่ 22 พฤศจิกายน 2569\nสำนักงานเขตทดสอบ\n";
const char kFooter[] = "\nปรับปรุงล่าสุด 15 มีนาคม 2568\n© 2568";

TEST(MentionLineKeysTest, EachDateGetsTheKeyOfItsLine) {
  const PageText page =
      Read("หัวเรื่อง\nประชุม 5 มีนาคม 2568 และ 6 มีนาคม 2568\nABC 2025-01-15\n\n"
           "ปีงบประมาณ ๒๕๖๘");
  ASSERT_EQ(page.dates.size(), 4u);
  EXPECT_EQ(page.keys[0], KeyOfLine("ประชุม 5 มีนาคม 2568 และ 6 มีนาคม 2568"));
  EXPECT_EQ(page.keys[1], page.keys[0]);
  EXPECT_EQ(page.keys[2], KeyOfLine("ABC 2025-01-15"));
  EXPECT_EQ(page.keys[3], KeyOfLine("ปีงบประมาณ 2568"));
  for (LineKey key : page.keys) EXPECT_NE(key, 0u);
}

// Between two Thai lines NormalizeThaiLines puts no space: the lines still
// start where they should.
TEST(MentionLineKeysTest, ThaiLinesJoinedWithoutASpace) {
  const PageText page = Read("ข่าว\nเดือนมีนาคม 2568\nข่าวเก่า\nเมษายน 2567");
  ASSERT_EQ(page.dates.size(), 2u);
  EXPECT_EQ(page.keys[0], KeyOfLine("เดือนมีนาคม 2568"));
  EXPECT_EQ(page.keys[1], KeyOfLine("เมษายน 2567"));
}

// A date read across a line break ("5" on one line, "มีนาคม 2568" on the
// next) lies in no one line; nor does one past where the text stops being
// the lines put together.
TEST(MentionLineKeysTest, DateAcrossLinesOrPastTheLinesHasNoKey) {
  const std::vector<std::string> lines = {"วันที่ 5", "มีนาคม 2568"};
  const std::string text = "วันที่ 5 มีนาคม 2568";
  const std::vector<DateMention> dates = FindDates(text);
  ASSERT_EQ(dates.size(), 1u);
  EXPECT_EQ(MentionLineKeys(lines, text, dates)[0], 0u);

  const std::vector<std::string> other = {"ก", "มีนาคม 2568"};
  const std::string changed = "ข มีนาคม 2568";  // not the lines put together
  const std::vector<DateMention> later = FindDates(changed);
  ASSERT_EQ(later.size(), 1u);
  EXPECT_EQ(MentionLineKeys(other, changed, later)[0], 0u);
}

TEST(SiteChromeTest, HeaderAndFooterOfTheStartPageDateNoOtherPage) {
  SiteChrome site;
  // The start page is its own: nothing is known before it.
  EXPECT_EQ(OwnDates(&site, std::string(kHeader) + "ยินดีต้อนรับ" + kFooter,
                     /*start_page=*/true),
            (std::vector<std::string>{"22 พฤศจิกายน 2569",
                                      "15 มีนาคม 2568", "2568"}));
  EXPECT_EQ(OwnDates(&site, std::string(kHeader) +
                                "แผนปฏิบัติราชการ ประจำปีงบประมาณ พ.ศ. 2566" +
                                kFooter),
            (std::vector<std::string>{"ประจำปีงบประมาณพ.ศ. 2566"}));
}

// Only the start page makes a line chrome: a line on many other pages (a
// "related" list with years) is no chrome however many pages came before,
// so a page's dates do not depend on the order the pages were read in.
TEST(SiteChromeTest, LinesOfOtherPagesNeverBecomeChrome) {
  SiteChrome site;
  OwnDates(&site, "ยินดีต้อนรับ", /*start_page=*/true);
  const std::string related = "แผนปฏิบัติการ ประจำปี 2568\n";
  for (int page = 0; page < 20; ++page) {
    SCOPED_TRACE(page);
    EXPECT_EQ(OwnDates(&site, related + "เนื้อหา").size(), 1u);
  }
}

TEST(SiteChromeTest, PagesOwnDatesStay) {
  SiteChrome site;
  OwnDates(&site, std::string(kHeader) + kFooter, /*start_page=*/true);
  EXPECT_EQ(OwnDates(&site, std::string(kHeader) +
                                "ประชุม (5 มีนาคม 2568)\nอบรม (6 มีนาคม 2568)" +
                                kFooter),
            (std::vector<std::string>{"5 มีนาคม 2568", "6 มีนาคม 2568"}));
  EXPECT_FALSE(site.IsChrome(0));
}

TEST(SiteChromeTest, TakeChromeMentionsKeepsTheOrderOfBoth) {
  SiteChrome site;
  site.AddPage({KeyOfLine("a"), KeyOfLine("c")}, /*start_page=*/true);
  std::vector<DateMention> dates(4);
  for (size_t i = 0; i < dates.size(); ++i) dates[i].text = std::to_string(i);
  const std::vector<LineKey> keys = {KeyOfLine("a"), KeyOfLine("b"),
                                     KeyOfLine("c"), 0};
  std::vector<DateMention> chrome;
  TakeChromeMentions(site, keys, &dates, &chrome);
  ASSERT_EQ(dates.size(), 2u);
  EXPECT_EQ(dates[0].text, "1");
  EXPECT_EQ(dates[1].text, "3");
  ASSERT_EQ(chrome.size(), 2u);
  EXPECT_EQ(chrome[0].text, "0");
  EXPECT_EQ(chrome[1].text, "2");
}

}  // namespace
}  // namespace oitwatch
