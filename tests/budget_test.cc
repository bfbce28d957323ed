// A nightly budget spent where the evidence is: with a request budget of a
// third of a site's URLs, the real `oitwatch` binary must reach the same
// verdicts as an unlimited crawl, on a generated, realistic district site:
// a home page with a menu of irrelevant pages, a paginated news archive whose
// articles mention item words in passing, an ITA index page linked from the
// home page with evidence PDFs, and ITA sub-pages whose PDFs hide behind a
// generic "ดาวน์โหลด" link (the meaning is in the PDF).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/test_html.h"
#include "tests/test_pdf.h"
#include "tests/test_process.h"
#include "tests/test_server.h"

namespace oitwatch {
namespace {

using nlohmann::json;

TestResponse Page(const std::string& title, const std::string& body) {
  return TestResponse{200, "text/html; charset=utf-8", Html(title, body), {}};
}

TestResponse Pdf(const std::string& text, const std::string& title = "") {
  TestResponse r;
  r.content_type = "application/pdf";
  SimplePdfInfo info;
  info.title = title;
  r.body = MakeSimplePdfPages({text}, info);
  return r;
}

std::string A(const std::string& href, const std::string& text) {
  return "<a href=\"" + href + "\">" + text + "</a> ";
}

// Generates the site on `s`; returns the number of in-scope URLs (pages and
// documents) an unlimited crawl can fetch.
int ServeDistrict(TestServer* s) {
  int urls = 0;
  const char* kMenu[] = {"ประวัติความเป็นมา", "สถานที่ท่องเที่ยว", "ภาพกิจกรรม",
                         "ติดต่อเรา", "แผนที่", "ลิงก์หน่วยงาน", "ถาม-ตอบ",
                         "ปฏิทินกิจกรรม"};
  std::string menu = A("/laksi/", "หน้าหลัก") + A("/laksi/news/1", "ข่าวประชาสัมพันธ์") +
                     A("/dindaeng/", "สำนักงานเขตดินแดง");
  for (int i = 0; i < 8; ++i) {
    menu += A("/laksi/page/sub/" + std::to_string(i) + "/info", kMenu[i]);
  }
  s->Route("/laksi/", Page("สำนักงานเขตหลักสี่",
      menu + A("/laksi/ita", "ITA การเปิดเผยข้อมูลสาธารณะ (OIT)") +
      "<h1>สำนักงานเขตหลักสี่</h1>"));
  ++urls;
  for (int i = 0; i < 8; ++i) {
    s->Route("/laksi/page/sub/" + std::to_string(i) + "/info",
             Page(kMenu[i], menu + "<p>" + std::string(kMenu[i]) +
                                "ของสำนักงานเขต</p>"));
    ++urls;
  }
  // The news archive: 10 list pages of 5 articles each (60 pages), dated.
  const char* kMonths[] = {"มีนาคม", "กุมภาพันธ์", "มกราคม", "ธันวาคม",
                           "พฤศจิกายน", "ตุลาคม", "กันยายน", "สิงหาคม",
                           "กรกฎาคม", "มิถุนายน", "พฤษภาคม", "เมษายน"};
  for (int p = 1; p <= 10; ++p) {
    std::string list = menu;
    for (int a = 1; a <= 5; ++a) {
      std::string href = "/laksi/news/" + std::to_string(p) + "/a" + std::to_string(a);
      // Newest first: March 2568 back to the previous fiscal year.
      std::string date = std::to_string(28 - (a * 5)) + " " +
                         kMonths[(p - 1) % 12] + " " +
                         std::to_string(p <= 6 ? 2568 : 2567);
      list += A(href, "ข่าวกิจกรรมเขต ครั้งที่ " + std::to_string(p * 10 + a) +
                          " (" + date + ")");
      s->Route(href, Page("ข่าวกิจกรรม",
          menu + "<p>วันที่ " + date + " ผู้อำนวยการเขตประชุมติดตามงานตามแผน"
                 "ปฏิบัติราชการ และกิจกรรมชุมชน ครั้งที่ " +
                 std::to_string(p * 10 + a) + "</p>"));
      ++urls;
    }
    if (p < 10) list += A("/laksi/news/" + std::to_string(p + 1), "หน้าถัดไป");
    s->Route("/laksi/news/" + std::to_string(p), Page("ข่าวประชาสัมพันธ์", list));
    ++urls;
  }
  // The ITA index page and its evidence.
  const std::string f = "/public/user_files_editor/41/ITA/2568/";
  std::string ita =
      "<h1>การเปิดเผยข้อมูลสาธารณะ (OIT) ประจำปีงบประมาณ พ.ศ. 2568</h1>" +
      A(f + "Action_Plan_2568.pdf", "O5 แผนปฏิบัติราชการประจำปี พ.ศ. 2568") +
      A(f + "Report_2567.pdf", "O5 รายงานผลการปฏิบัติราชการประจำปี พ.ศ. 2567") +
      A(f + "Budget_Plan_2567.pdf", "O13 แผนการใช้จ่ายงบประมาณประจำปี พ.ศ. 2567") +
      A(f + "AntiBribery_2568.pdf",
        "O18 ประกาศนโยบายต่อต้านการรับสินบน (Anti-Bribery Policy) ประจำปี 2568") +
      A(f + "egp_announce_2568.pdf",
        "O15 ประกาศเชิญชวนและประกาศผู้ชนะการเสนอราคา ประจำปีงบประมาณ พ.ศ. 2568") +
      A("/laksi/page/sub/50/ita-o8", "O8 คู่มือหรือมาตรฐานการปฏิบัติงาน") +
      A("/laksi/page/sub/51/ita-o17", "O17 ประมวลจริยธรรมสำหรับเจ้าหน้าที่");
  const char* months[] = {"ตุลาคม 2567", "พฤศจิกายน 2567", "ธันวาคม 2567",
                          "มกราคม 2568"};
  for (int i = 0; i < 4; ++i) {
    std::string href = f + "sum_" + std::to_string(i) + ".pdf";
    ita += A(href, std::string("สรุปผลการจัดซื้อจัดจ้างประจำเดือน") + months[i]);
    s->Route(href, Pdf("Procurement summary (sor khor ror 1)"));
    ++urls;
  }
  s->Route("/laksi/ita", Page("ITA", menu + ita));
  ++urls;
  s->Route(f + "Action_Plan_2568.pdf", Pdf("Action plan FY 2568"));
  s->Route(f + "Report_2567.pdf", Pdf("Performance report FY 2567"));
  s->Route(f + "Budget_Plan_2567.pdf", Pdf("Spending plan FY 2567"));
  s->Route(f + "egp_announce_2568.pdf", Pdf("Procurement announcements 2568"));
  urls += 5;  // AntiBribery_2568.pdf is not routed: broken (404)
  // ITA sub-pages: the meaning of the PDF is only in the PDF's title.
  s->Route("/laksi/page/sub/50/ita-o8", Page("O8 คู่มือ",
      menu + "<h1>O8 คู่มือหรือมาตรฐานการปฏิบัติงาน</h1>" +
      A(f + "doc_o8.pdf", "ดาวน์โหลด")));
  s->Route(f + "doc_o8.pdf",
           Pdf("manual", "คู่มือการปฏิบัติงาน สำนักงานเขตหลักสี่ พ.ศ. 2568"));
  s->Route("/laksi/page/sub/51/ita-o17", Page("O17 ประมวลจริยธรรม",
      menu + "<h1>O17 ประมวลจริยธรรม</h1>" + A(f + "doc_o17.pdf", "คลิกที่นี่")));
  s->Route(f + "doc_o17.pdf",
           Pdf("code", "ประมวลจริยธรรมข้าราชการกรุงเทพมหานคร พ.ศ. 2568"));
  urls += 4;
  s->Route("/dindaeng/", Page("ดินแดง", "<p>แผนปฏิบัติราชการ 2568</p>"));
  s->Route("/robots.txt", TestResponse{200, "text/plain", "", {}});
  return urls;
}

class BudgetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    urls_ = ServeDistrict(&server_);
    ASSERT_TRUE(server_.Start());
    dir_ = MakeTempDir();
    ASSERT_TRUE(WriteFile(dir_ + "/sites.yaml",
        "sites:\n  - id: laksi\n    name: สำนักงานเขตหลักสี่\n    name_en: Lak Si\n"
        "    url: " + server_.url("/laksi/") + "\n"));
  }

  json Run(const std::string& db, int budget) {
    ProcessResult r = RunProcess(
        {OITWATCH_BINARY, "run", "--sites", dir_ + "/sites.yaml", "--rules",
         std::string(OITWATCH_SOURCE_DIR) + "/config/rules/bma-district-2568.yaml",
         "--db", dir_ + "/" + db, "--as-of", "2025-04-10", "--host-delay-ms",
         "0", "--host-connections", "1", "--allow-address", "127.0.0.1",
         "--max-requests-per-site", std::to_string(budget), "--max-depth", "50",
         "--max-pages-per-site", "100000", "--format", "json",
         "--quiet"},
        120);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out)["sites"][0];
  }

  TestServer server_;
  std::string dir_;
  int urls_ = 0;
};

TEST_F(BudgetTest, AThirdOfTheSiteGivesTheUnlimitedVerdicts) {
  ASSERT_GE(urls_, 60);
  ASSERT_LE(urls_, 100);
  json full = Run("full.db", 100000);
  EXPECT_EQ(full["pages"].get<int>() + full["documents"].get<int>(), urls_ - 1)
      << "unlimited: every URL but the broken one is fetched";
  int found = 0;
  for (const json& item : full["items"]) found += item["status"] != "missing";
  EXPECT_GE(found, 6) << "the fixture must give the judge something to find";

  int budget = urls_ / 3;
  json lean = Run("lean.db", budget);
  EXPECT_LE(lean["pages"].get<int>() + lean["documents"].get<int>() +
                lean["errors"].get<int>(),
            budget);
  EXPECT_GT(lean["skipped"].get<int>(), 0) << "the budget really bit";
  ASSERT_EQ(lean["items"].size(), full["items"].size());
  for (size_t i = 0; i < full["items"].size(); ++i) {
    EXPECT_EQ(lean["items"][i]["status"], full["items"][i]["status"])
        << "budget " << budget << " of " << urls_ << " URLs\nlean: "
        << lean["items"][i].dump(2) << "\nfull: " << full["items"][i].dump(2);
  }
}

}  // namespace
}  // namespace oitwatch
