// Whole run (the real binary, loopback sites): a link whose text names the
// item and the fiscal year ("แผนปฏิบัติราชการประจำปี พ.ศ. 2568") does not make
// the item pass when its target is a placeholder page: (a) one that says
// only "ยังไม่มีข้อมูล" inside the site's chrome, (b) an unfilled form of the
// plan ("ประจำปี พ.ศ. ........"). Each site also links a real report, so
// before the fix O5 was `pass` (the red team's false pass). The assessors
// open the plan's page and find no plan, so the plan component is not found
// and O5 is `partial` (the report is there; with nothing else it would be
// `missing`), the page shown as the plan's evidence with state
// "placeholder". Not `broken`: the page answers and opens; not `unchecked`:
// it was checked. A real plan page holding "ไม่มีข้อมูล" still passes.
// Unit cases of the detection: tests/placeholder_page_test.cc.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "tests/test_html.h"
#include "tests/test_pdf.h"
#include "tests/test_process.h"
#include "tests/test_server.h"

namespace oitwatch {
namespace {

using nlohmann::json;

const char kHtml[] = "text/html; charset=utf-8";

// A district page: header, menu and sidebar (the chrome every page of the
// site repeats) around `main`.
std::string DistrictPage(const std::string& id, const std::string& main) {
  return Html("สำนักงานเขต" + id,
              "<header><h1>สำนักงานเขต" + id + "</h1></header><nav>"
              "<a href=\"/" + id + "/\">หน้าหลัก</a> | <a href=\"/" + id +
              "/page/main/20/OIT\">การเปิดเผยข้อมูลสาธารณะ (OIT)</a> | "
              "<a href=\"/" + id + "/page/main/40/contact\">ติดต่อเรา</a></nav>"
              "<main>" + main + "</main><aside><h3>ข่าวประชาสัมพันธ์</h3><ul>"
              "<li>ผู้อำนวยการเขตลงพื้นที่ตรวจความเรียบร้อยตลาด (5 มีนาคม 2568)"
              "</li></ul><p>สำนักงานเขต" + id + " โทร 0 2521 0000</p></aside>");
}

// Site `id`: its start page links O3 (schools), the O5 plan, whose page
// shows `plan_main`, and the O5 report (a PDF of FY2567).
void RouteSite(TestServer* server, const std::string& id,
               const std::string& plan_main) {
  const std::string base = "/" + id + "/";
  std::string links =
      "<ul><li><a href=\"" + base + "page/sub/1/schools\">รายชื่อโรงเรียน"
      "สังกัดกรุงเทพมหานคร</a></li><li><a href=\"" + base +
      "page/sub/2/plan\">แผนปฏิบัติราชการประจำปี พ.ศ. 2568</a></li>"
      "<li><a href=\"/files/" + id + "/Report_2567.pdf\">รายงานผลการ"
      "ปฏิบัติราชการประจำปี พ.ศ. 2567</a></li>";
  server->Route("/files/" + id + "/Report_2567.pdf",
                TestResponse{200, "application/pdf",
                             MakeSimplePdf("Performance report FY 2567"), {}});
  server->Route(base, TestResponse{200, kHtml,
                                   DistrictPage(id, links + "</ul>"), {}});
  server->Route(base + "page/sub/1/schools",
                TestResponse{200, kHtml,
                             DistrictPage(id,
                                 "<h2>รายชื่อโรงเรียนสังกัดกรุงเทพมหานคร"
                                 "ในพื้นที่เขต</h2><p>โรงเรียนวัดทดสอบ "
                                 "โรงเรียนวัดตัวอย่าง</p>"),
                             {}});
  server->Route(base + "page/sub/2/plan",
                TestResponse{200, kHtml, DistrictPage(id, plan_main), {}});
}

// Item `item` of site `site` in the report (an empty object if none).
json Item(const json& report, const std::string& site,
          const std::string& item) {
  for (const json& s : report.value("sites", json::array())) {
    if (s.value("id", "") != site) continue;
    EXPECT_EQ(s.value("state", ""), "checked") << s.dump().substr(0, 600);
    for (const json& i : s.value("items", json::array())) {
      if (i.value("id", "") == item) return i;
    }
  }
  ADD_FAILURE() << "no " << site << " " << item;
  return json::object();
}

class PlaceholderRunTest : public testing::Test {
 protected:
  // Runs `oitwatch run` (FY2568 rules, 2025-04-10) over `sites` and
  // returns the JSON report.
  void SetUp() override { dir_ = MakeTempDir(); }

  // The shipped FY2568 rule set.
  static std::string ShippedRules() {
    return std::string(OITWATCH_SOURCE_DIR) +
           "/config/rules/bma-district-2568.yaml";
  }

  json Run(const std::vector<std::pair<std::string, std::string>>& sites,
           const std::string& rules = ShippedRules()) {
    const std::string& dir = dir_;
    std::string yaml = "sites:\n";
    for (const auto& [id, url] : sites) {
      yaml += "  - id: " + id + "\n    name: สำนักงานเขต" + id +
              "\n    name_en: " + id + "\n    url: " + url + "\n";
    }
    EXPECT_TRUE(WriteFile(dir + "/sites.yaml", yaml));
    ProcessResult p = RunProcess(
        {OITWATCH_BINARY, "run", "--sites", dir + "/sites.yaml", "--rules",
         rules, "--db", dir + "/o.db", "--as-of", "2025-04-10", "--host-delay-ms",
         "0", "--allow-address", "127.0.0.1", "--timeout-ms", "3000",
         "--connect-timeout-ms", "1000", "--format", "json", "--quiet"},
        60);
    EXPECT_FALSE(p.timed_out);
    EXPECT_EQ(p.signal, 0) << p.err;
    try {
      return json::parse(p.out);
    } catch (const json::exception& e) {
      ADD_FAILURE() << e.what() << "\n" << p.out.substr(0, 1000) << p.err;
      return json::object();
    }
  }

  std::string dir_;  // the database (one per test: nights share it)
};

// O5 is not pass: its plan is not found (the report is), and the plan's
// page is shown as a placeholder.
void ExpectPlanIsPlaceholder(const json& o5, const std::string& url) {
  EXPECT_NE(o5.value("status", ""), "pass") << o5.dump();
  EXPECT_EQ(o5.value("status", ""), "partial") << o5.dump();
  EXPECT_EQ(o5.value("missing_components", json::array()),
            json::array({"แผนปฏิบัติราชการประจำปีของสำนักงานเขต"}))
      << o5.dump();
  EXPECT_NE(o5.value("reason", "").find("placeholder page " + url),
            std::string::npos)
      << o5.dump();
  bool shown = false;
  for (const json& e : o5.value("evidence", json::array())) {
    if (e.value("url", "") != url) continue;
    EXPECT_EQ(e.value("component", ""), "plan") << e.dump();
    EXPECT_EQ(e.value("state", ""), "placeholder") << e.dump();
    shown = true;
  }
  EXPECT_TRUE(shown) << o5.dump();
}

TEST_F(PlaceholderRunTest, LinkNamingPlanAndYearToNoticePageIsNotPass) {
  TestServer server;
  RouteSite(&server, "notice",
            "<h2>แผนปฏิบัติราชการประจำปี พ.ศ. 2568</h2><p>ยังไม่มีข้อมูล</p>");
  ASSERT_TRUE(server.Start());
  const json report = Run({{"notice", server.url("/notice/")}});
  EXPECT_EQ(Item(report, "notice", "O3").value("status", ""), "pass");
  ExpectPlanIsPlaceholder(Item(report, "notice", "O5"),
                                 server.url("/notice/page/sub/2/plan"));
}

TEST_F(PlaceholderRunTest, LinkNamingPlanAndYearToBlankFormIsNotPass) {
  TestServer server;
  RouteSite(&server, "form",
            "<h2>แผนปฏิบัติราชการประจำปี พ.ศ. ........</h2><table>"
            "<tr><th>ลำดับ</th><th>โครงการ</th><th>ตัวชี้วัด</th>"
            "<th>งบประมาณ</th><th>ผู้รับผิดชอบ</th></tr>"
            "<tr><td>1</td><td></td><td></td><td></td><td></td></tr></table>");
  ASSERT_TRUE(server.Start());
  const json report = Run({{"form", server.url("/form/")}});
  ExpectPlanIsPlaceholder(Item(report, "form", "O5"),
                                 server.url("/form/page/sub/2/plan"));
}

// The control: the same links, the plan's page a real plan (which says
// "ไม่มีข้อมูล" in table cells and as a line of its own): O5 passes, so the
// placeholder rule is what keeps the two sites above from passing.
TEST_F(PlaceholderRunTest, RealPlanPageWithNoDataCellStillPasses) {
  TestServer server;
  RouteSite(&server, "real",
            "<h2>แผนปฏิบัติราชการประจำปี พ.ศ. 2568</h2><table>"
            "<tr><th>โครงการ</th><th>งบประมาณ (บาท)</th><th>หมายเหตุ</th></tr>"
            "<tr><td>โครงการพัฒนาคุณภาพชีวิตผู้สูงอายุ</td><td>250,000</td>"
            "<td>ไม่มีข้อมูล</td></tr><tr><td>โครงการป้องกันและแก้ไขปัญหา"
            "ยาเสพติด</td><td>180,000</td><td>ไม่มีข้อมูล</td></tr></table>"
            "<h3>ผลการดำเนินงานไตรมาสที่ 1</h3><p>ไม่มีข้อมูล</p>");
  ASSERT_TRUE(server.Start());
  const json report = Run({{"real", server.url("/real/")}});
  const json o5 = Item(report, "real", "O5");
  EXPECT_EQ(o5.value("status", ""), "pass") << o5.dump();
}

// rt7parse finding 7 (p04 P02, P03, P05): related links under the notice
// (not the site's chrome: text of links only, not the page's content) and
// notices worded "ณ ขณะนี้" or in English leave the plan not found (before:
// pass).
TEST_F(PlaceholderRunTest, F7_NoticeWithRelatedLinksOrOtherWordingIsNotPass) {
  std::string related = "<ul>";
  for (int i = 0; i < 8; ++i) {
    related += "<li><a href=\"/x" + std::to_string(i) + "\">ลิงก์ที่เกี่ยวข้อง "
               "หน่วยงานภายนอก " + std::to_string(i) + "</a></li>";
  }
  const std::string h = "<h2>แผนปฏิบัติราชการประจำปี พ.ศ. 2568</h2>";
  TestServer server;
  RouteSite(&server, "links", h + "<p>ยังไม่มีข้อมูล</p>" + related + "</ul>");
  RouteSite(&server, "now", h + "<p>ไม่มีข้อมูล ณ ขณะนี้</p>");
  RouteSite(&server, "en", h + "<p>No data available at the moment.</p>");
  ASSERT_TRUE(server.Start());
  const json report = Run({{"links", server.url("/links/")},
                           {"now", server.url("/now/")},
                           {"en", server.url("/en/")}});
  for (const char* id : {"links", "now", "en"}) {
    SCOPED_TRACE(id);
    ExpectPlanIsPlaceholder(
        Item(report, id, "O5"),
        server.url("/" + std::string(id) + "/page/sub/2/plan"));
  }
}

// rt7parse finding 7 (p04 R02, R03, R05): the `placeholders` words in one
// row of a real plan or in a help line do not make it a placeholder (before:
// missing).
TEST_F(PlaceholderRunTest, F7_UnderConstructionInOneRowOfARealPlanPasses) {
  std::string rows;
  for (int i = 1; i <= 14; ++i) {
    rows += "<tr><td>" + std::to_string(i) + "</td><td>โครงการพัฒนาชุมชนที่ " +
            std::to_string(i) + "</td><td>" + std::to_string(50 + i) +
            ",000 บาท</td><td>ฝ่ายพัฒนาชุมชน</td></tr>";
  }
  const std::string h = "<h2>แผนปฏิบัติราชการประจำปี พ.ศ. 2568</h2><table>";
  TestServer server;
  RouteSite(&server, "road",
            h + rows + "<tr><td>15</td><td>ถนนซอยทดสอบ</td><td>อยู่ระหว่าง"
                       "การปรับปรุง</td><td>ฝ่ายโยธา</td></tr></table>");
  RouteSite(&server, "hall",
            h + rows + "<tr><td>15</td><td>Community hall (under "
                       "construction)</td><td>1,000,000</td></tr></table>");
  RouteSite(&server, "help",
            h + rows + "</table><p>หากพบปัญหา page not found กรุณาแจ้ง"
                       "ผู้ดูแลระบบ</p>");
  ASSERT_TRUE(server.Start());
  const json report = Run({{"road", server.url("/road/")},
                           {"hall", server.url("/hall/")},
                           {"help", server.url("/help/")}});
  for (const char* id : {"road", "hall", "help"}) {
    const json o5 = Item(report, id, "O5");
    EXPECT_EQ(o5.value("status", ""), "pass") << id << " " << o5.dump();
  }
}

// An unchanged page is re-used on the next night (its stored hits, dates
// and placeholder flag), but not across rule sets: the night after the
// notices were added, the same unchanged "ยังไม่มีข้อมูล" page is read
// again and stops being the plan.
TEST_F(PlaceholderRunTest, UnchangedPageIsReadAgainUnderANewRuleSetVersion) {
  // Last night's rules: the shipped set without its notices.
  std::istringstream shipped(ReadFile(ShippedRules()));
  std::string old_rules, line;
  bool in_notices = false;
  while (std::getline(shipped, line)) {
    if (line.rfind("version:", 0) == 0) line = "version: \"2568.old\"";
    if (line == "notices:") in_notices = true;
    if (in_notices && line.rfind("  - ", 0) != 0 && line != "notices:") {
      in_notices = false;
    }
    if (!in_notices) old_rules += line + "\n";
  }
  ASSERT_EQ(old_rules.find("notices:"), std::string::npos);
  ASSERT_TRUE(WriteFile(dir_ + "/old-rules.yaml", old_rules));
  TestServer server;
  RouteSite(&server, "again",
            "<h2>แผนปฏิบัติราชการประจำปี พ.ศ. 2568</h2><p>ยังไม่มีข้อมูล</p>");
  ASSERT_TRUE(server.Start());
  const std::vector<std::pair<std::string, std::string>> sites = {
      {"again", server.url("/again/")}};
  EXPECT_EQ(Item(Run(sites, dir_ + "/old-rules.yaml"), "again", "O5")
                .value("status", ""),
            "pass")
      << "without notices the page was the plan";
  ExpectPlanIsPlaceholder(Item(Run(sites), "again", "O5"),
                          server.url("/again/page/sub/2/plan"));
}

}  // namespace
}  // namespace oitwatch
