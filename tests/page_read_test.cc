// PageRead: what an HTML response says without any site state (the part a
// ParsePool helper runs): decoded text, normalised fields with their
// matches and dates, text lines, links with the text that names them.
#include "app/page_read.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>

#include "rules/placeholder_page.h"
#include "rules/rule_set.h"

namespace oitwatch {
namespace {

std::unique_ptr<Matcher> FixtureMatcher() {
  RuleSet rules;
  std::string err;
  EXPECT_TRUE(LoadRuleSet(std::string(OITWATCH_SOURCE_DIR) +
                              "/tests/fixtures/rules/valid.yaml",
                          &rules, &err))
      << err;
  return Matcher::Create(rules, &err);
}

FetchResult Page(const std::string& html, int depth = 1) {
  FetchResult r;
  r.request.url = "http://h.test/laksi/page.html";
  r.request.depth = depth;
  r.outcome = FetchOutcome::kOk;
  r.http_status = 200;
  r.content_type = "text/html; charset=utf-8";
  r.body = html;
  return r;
}

TEST(PageReadTest, FieldsAreNormalisedMatchedAndDated) {
  std::unique_ptr<Matcher> matcher = FixtureMatcher();
  ASSERT_NE(matcher, nullptr);
  HtmlRead read = ReadHtml(
      Page("<html><head><title>แผนการจัดซื้อจัดจ้าง  ประจำปี ๒๕๖๘</title></head>"
           "<body><h1>หัวข้อ 1 ตุลาคม 2567</h1><p>บรรทัดแรก</p>"
           "<p>ประกาศ ณ วันที่ 5 มีนาคม 2568</p></body></html>"),
      *matcher);
  EXPECT_EQ(read.parse_error, "");
  EXPECT_EQ(read.charset, "utf-8");
  // The title as the page has it (whitespace folded), and normalised: Thai
  // digits to ASCII, no space between Thai words.
  EXPECT_EQ(read.title, "แผนการจัดซื้อจัดจ้าง ประจำปี ๒๕๖๘");
  EXPECT_EQ(read.title_field.text, "แผนการจัดซื้อจัดจ้างประจำปี 2568");
  ASSERT_EQ(read.title_field.matches.size(), 1u);
  EXPECT_EQ(read.title_field.matches[0].item_id, "O12");
  EXPECT_EQ(read.title_field.matches[0].component_id, "plan");
  ASSERT_EQ(read.headings.dates.size(), 1u);
  EXPECT_EQ(read.headings.dates[0].fiscal_year, 2568);
  ASSERT_EQ(read.page_text.dates.size(), 2u);
  EXPECT_EQ(read.page_text.dates[1].month, 3);
  EXPECT_EQ(ClassifyPlaceholder(read.lines, {}, read.headings.text,
                                LinkTexts(read.links), *matcher),
            PlaceholderKind::kNone);
  EXPECT_FALSE(read.needs_js);
  ASSERT_GE(read.lines.size(), 2u);
  EXPECT_NE(std::find(read.lines.begin(), read.lines.end(), "บรรทัดแรก"),
            read.lines.end());
}

TEST(PageReadTest, LinksAreNormalisedSelfLinksDroppedRowTextNamesDownloads) {
  std::unique_ptr<Matcher> matcher = FixtureMatcher();
  ASSERT_NE(matcher, nullptr);
  HtmlRead read = ReadHtml(
      Page("<html><head><meta http-equiv=refresh content='0; url=/laksi/next'>"
           "</head><body><a href='page.html'>ตัวเอง</a>"
           "<a href='HTTP://H.TEST/laksi/a.html#top'>โครงสร้างองค์กร</a>"
           "<table><tr><td>แผนการจัดซื้อจัดจ้าง 2568</td>"
           "<td><a href='/doc/p.pdf'>ดาวน์โหลด</a></td></tr></table>"
           "</body></html>"),
      *matcher);
  ASSERT_EQ(read.links.size(), 3u);
  EXPECT_EQ(read.links[0].to_url, "http://h.test/laksi/a.html");
  EXPECT_EQ(read.links[0].text, "โครงสร้างองค์กร");
  EXPECT_EQ(read.links[1].to_url, "http://h.test/doc/p.pdf");
  EXPECT_NE(read.links[1].text.find("แผนการจัดซื้อจัดจ้าง"), std::string::npos);
  EXPECT_EQ(read.links[2].to_url, "http://h.test/laksi/next");  // refresh last
  EXPECT_EQ(read.links[2].text, "");
}

TEST(PageReadTest, PlaceholderAndScriptShellAreFlagged) {
  std::unique_ptr<Matcher> matcher = FixtureMatcher();
  ASSERT_NE(matcher, nullptr);
  const std::string shell =
      "<html><body><div id=app></div><script src=app.js></script></body></html>";
  EXPECT_TRUE(ReadHtml(Page(shell, 0), *matcher).needs_js);
  EXPECT_FALSE(ReadHtml(Page(shell, 1), *matcher).needs_js);  // start page only
  // The page's lines, headings and links are what ClassifyPlaceholder reads.
  const HtmlRead notice =
      ReadHtml(Page("<p>อยู่ระหว่างปรับปรุงข้อมูล</p>"), *matcher);
  EXPECT_NE(ClassifyPlaceholder(notice.lines, {}, notice.headings.text,
                                LinkTexts(notice.links), *matcher),
            PlaceholderKind::kNone);
}

TEST(PageReadTest, PageTextDatesStopAt64KiB) {
  std::unique_ptr<Matcher> matcher = FixtureMatcher();
  ASSERT_NE(matcher, nullptr);
  const std::string filler(kPageTextForDates + 100, 'x');
  HtmlRead read = ReadHtml(
      Page("<p>1 ตุลาคม 2567</p><p>" + filler + "</p><p>5 มีนาคม 2568</p>"),
      *matcher);
  ASSERT_EQ(read.page_text.dates.size(), 1u);
  EXPECT_EQ(read.page_text.dates[0].month, 10);
}

}  // namespace
}  // namespace oitwatch

namespace oitwatch {
namespace {

// Which anchor texts say nothing (their row names the link): the generic
// list in any ASCII case, its longest entry included; a longer text that
// merely starts with one is the link's own name.
TEST(PageReadTest, GenericAnchorTextsTakeTheirRowsText) {
  std::unique_ptr<Matcher> matcher = FixtureMatcher();
  ASSERT_NE(matcher, nullptr);
  const auto row_text_of = [&](const std::string& anchor) {
    HtmlRead read = ReadHtml(
        Page("<table><tr><td>แผนการจัดซื้อจัดจ้าง 2568</td><td><a "
             "href='/doc/p.pdf'>" +
             anchor + "</a></td></tr></table>"),
        *matcher);
    EXPECT_EQ(read.links.size(), 1u) << anchor;
    return read.links.empty() ? std::string() : read.links[0].text;
  };
  for (const char* generic :
       {"Click Here", "DOWNLOAD", "อ่านเพิ่มเติม", " ดู ", "PDF", ">>"}) {
    EXPECT_NE(row_text_of(generic).find("แผนการจัดซื้อจัดจ้าง"),
              std::string::npos)
        << generic;
  }
  for (const char* own : {"อ่านเพิ่มเติมแผนปฏิบัติการ", "Download plan 2568"}) {
    EXPECT_EQ(row_text_of(own), own);
  }
}

}  // namespace
}  // namespace oitwatch
