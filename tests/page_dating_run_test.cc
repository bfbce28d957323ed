// Red team rt7parse findings 5 and 6 end to end: the real binary crawls a
// district site whose ITA page links O4's news list (its title and link name
// no year, so the page's text dates it), judged on 2025-04-10 (FY2568).
//  5: news all of March 2566 and the current year only without a day, in
//     the site's chrome (a footer "© 2568" on every page, a calendar caption
//     "เมษายน 2568", a visitor counter "ปี 2568"): O4 is stale, FY2566
//     (before: pass, the footer's year was the latest).
//  6: news of March 2568 and a later year on another topic (a sidebar's
//     five-year plan "ปีงบประมาณ 2566-2570", next year's draft budget
//     "ประจำปีงบประมาณ พ.ศ. 2569"): O4 passes (before: stale FY2570/2569).
// And what must not change: a plan page that names its year with a marker
// and a posting date of this FY is dated by its year (stale), not the post.
// Session 8 red team, dating false passes:
//  - today's date in the header, or a "last updated" footer, on every page
//    (the site's chrome) made an old page current: it dates no page now;
//  - a plan page naming FY2567 with a marker and listing its meetings of
//    FY2568 passed as a dated list of FY2568: it is FY2567's now.
// Unit cases: tests/dating_test.cc (PickDateTest), tests/site_chrome_test.cc.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/test_html.h"
#include "tests/test_process.h"
#include "tests/test_report_json.h"
#include "tests/test_server.h"

namespace oitwatch {
namespace {

using nlohmann::json;

const char kHtml[] = "text/html; charset=utf-8";

// A page of site "t": header and menu, `main`, then `aside` (a sidebar or
// footer that is on every page when the caller passes it to all).
TestResponse Page(const std::string& title, const std::string& main,
                  const std::string& aside) {
  return TestResponse{
      200,
      kHtml,
      Html(title,
           "<header><h1>สำนักงานเขตทดสอบ</h1></header><nav><a href=\"/t/\">"
           "หน้าหลัก</a> | <a href=\"/t/ita\">การเปิดเผยข้อมูลสาธารณะ (OIT)"
           "</a></nav><main>" +
               main + "</main><aside>" + aside + "</aside>"),
      {}};
}

// Eight news items, on day 1-8 of March of BE `year`.
std::string News(int year) {
  std::string items;
  for (int day = 1; day <= 8; ++day) {
    items += "<li>สำนักงานเขตทดสอบจัดกิจกรรมชุมชน ครั้งที่ " + std::to_string(day) +
             " (" + std::to_string(day) + " มีนาคม " + std::to_string(year) +
             ")</li>";
  }
  return "<h2>ข่าวประชาสัมพันธ์</h2><ul>" + items + "</ul>";
}

class PageDatingRunTest : public testing::Test {
 protected:
  void SetUp() override { dir_ = MakeTempDir(); }

  // Serves site "t" (start page, ITA page, `path` linked by the ITA page as
  // `link`, showing `main`), `chrome` on every page and `aside` on the
  // linked page only; runs `oitwatch run` and returns the item `item`.
  json Judge(const std::string& item, const std::string& path,
             const std::string& link, const std::string& main,
             const std::string& chrome, const std::string& aside = "") {
    TestServer server;
    server.Route("/t/",
                 Page("หน้าหลัก", "<p>สำนักงานเขตทดสอบ ยินดีต้อนรับ</p>", chrome));
    server.Route("/t/ita", Page("การเปิดเผยข้อมูลสาธารณะ (OIT)",
                                "<h2>การเปิดเผยข้อมูลสาธารณะ (OIT)</h2><ul><li><a "
                                "href=\"/t/" +
                                    path + "\">" + link + "</a></li></ul>",
                                chrome));
    server.Route("/t/" + path, Page(link, main, aside + chrome));
    EXPECT_TRUE(server.Start());
    EXPECT_TRUE(WriteFile(dir_ + "/sites.yaml",
                          "sites:\n  - id: t\n    name: สำนักงานเขตทดสอบ\n"
                          "    name_en: Test\n    url: " +
                              server.url("/t/") + "\n"));
    const ProcessResult r = RunProcess(
        LoopbackRunArgs(
            dir_ + "/sites.yaml", dir_ + "/o" + std::to_string(runs_++) + ".db",
            {"--timeout-ms", "3000", "--connect-timeout-ms", "1000"}),
        60);
    EXPECT_FALSE(r.timed_out) << "the run must end";
    return ReportItem(ReportSite(ParseReport(r.out, r.err), "t"), item);
  }

  json JudgeNews(const std::string& main, const std::string& chrome,
                 const std::string& aside = "") {
    return Judge("O4", "news", "ข่าวประชาสัมพันธ์", main, chrome, aside);
  }

  std::string dir_;  // the databases and the sites file
  int runs_ = 0;     // a database per run: no run re-uses another's pages
};

// The years read from the chrome below, none with a day.
const char kFooterBe[] = "<p>สงวนลิขสิทธิ์ © 2568 สำนักงานเขตทดสอบ</p>";
const char kFooterCe[] = "<p>Copyright © 2025 Test District Office</p>";
const char kCalendar[] =
    "<table class=\"calendar\"><caption>เมษายน 2568</caption><tr><td>1</td>"
    "<td>2</td></tr></table>";
const char kCounter[] = "<p>สถิติผู้เข้าชม วันนี้ 12 เดือนนี้ 340 ปี 2568 1234</p>";

TEST_F(PageDatingRunTest, F5_YearWithoutADayInChromeDoesNotMakeOldNewsPass) {
  for (const char* chrome : {kFooterBe, kFooterCe, kCalendar, kCounter}) {
    SCOPED_TRACE(chrome);
    const json o4 = JudgeNews(News(2566), chrome);
    EXPECT_EQ(o4.value("status", ""), "stale") << o4.dump();
    EXPECT_NE(o4.value("reason", "").find("FY2566"), std::string::npos)
        << o4.dump();
  }
}

// The same year on the news page only (not on the start page).
TEST_F(PageDatingRunTest, F5_YearWithoutADayOnTheListOnlyDoesNotMakeItPass) {
  const json o4 = JudgeNews(News(2566), "", std::string(kCalendar) + kCounter);
  EXPECT_EQ(o4.value("status", ""), "stale") << o4.dump();
}

// The control: the same chrome around this year's news passes.
TEST_F(PageDatingRunTest, F5_CurrentNewsInTheSameChromePasses) {
  const json o4 = JudgeNews(News(2568), kFooterBe, kCalendar);
  EXPECT_EQ(o4.value("status", ""), "pass") << o4.dump();
}

TEST_F(PageDatingRunTest, F6_FiveYearPlanInASidebarDoesNotMakeNewsStale) {
  const json o4 =
      JudgeNews(News(2568), "", "<p>แผนพัฒนาเขต ปีงบประมาณ 2566-2570</p>");
  EXPECT_EQ(o4.value("status", ""), "pass") << o4.dump();
}

TEST_F(PageDatingRunTest, F6_NextYearsDraftBudgetDoesNotMakeNewsStale) {
  const json o4 =
      JudgeNews(News(2568), kFooterBe,
                "<p>ร่างข้อบัญญัติงบประมาณรายจ่าย ประจำปีงบประมาณ พ.ศ. 2569</p>");
  EXPECT_EQ(o4.value("status", ""), "pass") << o4.dump();
}

// A plan page (no year in its link, title or headings) is dated by the year
// its text names with a marker, not by this FY's posting and edit dates:
// last year's plan is stale.
TEST_F(PageDatingRunTest, PlanPageIsDatedByItsMarkedYearNotItsPostingDate) {
  const json o5 =
      Judge("O5", "plan", "แผนปฏิบัติราชการประจำปี",
            "<h2>แผนปฏิบัติราชการประจำปี</h2><p>แผนปฏิบัติราชการ ประจำปีงบประมาณ "
            "พ.ศ. 2567 ของสำนักงานเขตทดสอบ มีโครงการ 12 โครงการ</p><p>วันที่โพสต์ "
            "5 ตุลาคม 2567 แก้ไขล่าสุด 2 ธันวาคม 2567</p>",
            kFooterBe);
  EXPECT_NE(o5.value("status", ""), "pass") << o5.dump();
  EXPECT_NE(o5.value("reason", "").find("FY2567"), std::string::npos)
      << o5.dump();
}

// Today (the as-of day) in the header of every page, as many Thai sites
// print it, and a site-wide "last updated" footer.
const char kHeaderToday[] = "<p>วันพฤหัสบดีที่ 10 เมษายน 2568</p>";
const char kFooterUpdated[] = "<p>ปรับปรุงล่าสุด 2 เมษายน 2568</p>";

TEST_F(PageDatingRunTest, Chrome_TodaysDateInTheHeaderDoesNotMakeOldNewsPass) {
  for (const char* chrome : {kHeaderToday, kFooterUpdated}) {
    SCOPED_TRACE(chrome);
    const json o4 = JudgeNews(News(2566), chrome);
    EXPECT_EQ(o4.value("status", ""), "stale") << o4.dump();
    EXPECT_NE(o4.value("reason", "").find("FY2566"), std::string::npos)
        << o4.dump();
  }
}

// A page whose only full date is the site's (no list): no year, not a pass.
TEST_F(PageDatingRunTest, Chrome_FooterDateDoesNotDateAPageWithoutOne) {
  for (const char* chrome : {kFooterUpdated, kHeaderToday}) {
    SCOPED_TRACE(chrome);
    const json o10 = Judge(
        "O10", "revenue", "สถิติการจัดเก็บรายได้",
        "<h2>สถิติการจัดเก็บรายได้</h2><p>ค่าธรรมเนียมเก็บขนมูลฝอย 120,000 บาท "
        "ค่าปรับ 15,000 บาท</p>",
        chrome);
    EXPECT_EQ(o10.value("status", ""), "stale") << o10.dump();
  }
}

// The control: the site's dates do not hurt a page with its own.
TEST_F(PageDatingRunTest, Chrome_CurrentNewsUnderTheSameHeaderPasses) {
  const json o4 = JudgeNews(News(2568), std::string(kHeaderToday) + kFooterBe);
  EXPECT_EQ(o4.value("status", ""), "pass") << o4.dump();
}

// "แผนปฏิบัติราชการ ประจำปีงบประมาณ พ.ศ. 2567" with three meetings of FY2568
// on the page: the plan is FY2567's (stale), not a dated list of FY2568.
TEST_F(PageDatingRunTest, PlanNamingLastYearIsNotDatedByItsMeetings) {
  const json o5 = Judge(
      "O5", "plan", "แผนปฏิบัติราชการประจำปี",
      "<h2>แผนปฏิบัติราชการประจำปี</h2><p>แผนปฏิบัติราชการ ประจำปีงบประมาณ "
      "พ.ศ. 2567 ของสำนักงานเขตทดสอบ</p><ul><li>ประชุมคณะทำงาน 5 พฤศจิกายน "
      "2567</li><li>ประชุมติดตามผล 10 มกราคม 2568</li><li>ประชุมทบทวน 3 มีนาคม "
      "2568</li></ul>",
      kFooterBe);
  EXPECT_NE(o5.value("status", ""), "pass") << o5.dump();
  bool plan_seen = false;
  for (const json& e : o5.value("evidence", json::array())) {
    if (e.value("component", "") != "plan") continue;
    plan_seen = true;
    EXPECT_EQ(e.value("state", ""), "stale") << o5.dump();
    EXPECT_EQ(e.value("fiscal_year", 0), 2567) << o5.dump();
  }
  EXPECT_TRUE(plan_seen) << o5.dump();
  EXPECT_NE(o5.value("reason", "").find("its dates of FY2568 do not date it"),
            std::string::npos)
      << o5.dump();
}

}  // namespace
}  // namespace oitwatch
