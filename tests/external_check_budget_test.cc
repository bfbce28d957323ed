// rt8pipe BUG-3, end to end: a district's error budget (site_error_budget,
// 8 failed fetches in a row) is for its own host. Its links to e-services
// on another host are checked as evidence; when that host answers 403 (a
// WAF that blocks bots) or 503 to every one, the district's own pages are
// still crawled and judged, and its reason does not say it was dropped.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "tests/test_html.h"
#include "tests/test_pdf.h"
#include "tests/test_process.h"
#include "tests/test_report_json.h"
#include "tests/test_server.h"

namespace oitwatch {
namespace {

using nlohmann::json;

std::string A(const std::string& href, const std::string& text) {
  return "<a href=\"" + href + "\">" + text + "</a> ";
}

// The district's own pages answer slowly (a busy portal), so the checks on
// the other host, answered at once, come back many in a row.
TestResponse Slow(std::string html) {
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  return TestResponse{200, "text/html; charset=utf-8", std::move(html), {}};
}

class ExternalCheckBudgetTest : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override {
    const int status = GetParam();
    external_.Route("/eservice", [status](const TestRequest&) {
      return TestResponse{status, "text/html", "no", {}};
    });
    ASSERT_TRUE(external_.Start());
    std::string home = A("/d/ita", "ITA การเปิดเผยข้อมูลสาธารณะ (OIT)") +
                       A("/d/schools", "รายชื่อโรงเรียนสังกัดกรุงเทพมหานคร");
    for (int i = 0; i < 12; ++i) {
      home += A(external_.url("/eservice?s=" + std::to_string(i)),
                "E-Service บริการออนไลน์ " + std::to_string(i));
    }
    server_.Route("/d/", [home](const TestRequest&) {
      return Slow(Html("สำนักงานเขตดี", home));
    });
    server_.Route("/d/ita", [](const TestRequest&) {
      return Slow(Html(
          "ITA",
          A("/d/f/ann2568.pdf", "ประกาศนโยบายต่อต้านการรับสินบน ประจำปี 2568") +
              A("/d/f/rep2568.pdf",
                "รายงานผลการดำเนินการตามนโยบายต่อต้านการรับสินบน ประจำปี 2568")));
    });
    server_.Route("/d/schools", [](const TestRequest&) {
      return Slow(Html("รายชื่อโรงเรียนสังกัดกรุงเทพมหานคร",
                       "<h1>รายชื่อโรงเรียนสังกัดกรุงเทพมหานครในพื้นที่เขต</h1>"
                       "<p>โรงเรียนวัดทดสอบ</p>"));
    });
    for (const char* pdf : {"/d/f/ann2568.pdf", "/d/f/rep2568.pdf"}) {
      server_.Route(
          pdf, TestResponse{
                   200, "application/pdf", MakeSimplePdf("document 2568"), {}});
    }
    ASSERT_TRUE(server_.Start());
    dir_ = MakeTempDir();
    ASSERT_TRUE(
        WriteFile(dir_ + "/sites.yaml", OneSiteYaml(server_.url("/d/"))));
  }

  TestServer server_, external_;
  std::string dir_;
};

TEST_P(ExternalCheckBudgetTest, FailedChecksElsewhereLeaveTheDistrictChecked) {
  const ProcessResult r =
      RunProcess(LoopbackRunArgs(dir_ + "/sites.yaml", dir_ + "/o.db",
                                 {"--timeout-ms", "5000"}),
                 120);
  ASSERT_FALSE(r.timed_out);
  const json d = ReportSite(ParseReport(r.out, r.err), "d");
  // At least a site's budget of checks failed in a row ...
  EXPECT_GE(external_.hits("/eservice"), 8);
  const std::string reason = d.value("reason", "");
  EXPECT_EQ(reason.find("site dropped"), std::string::npos) << reason;
  // ... and the district's own evidence was fetched and judged.
  EXPECT_EQ(d.value("state", ""), "checked") << d.dump().substr(0, 400);
  EXPECT_EQ(ReportItem(d, "O3").value("status", ""), "pass")
      << d.dump().substr(0, 400);
  EXPECT_EQ(ReportItem(d, "O18").value("status", ""), "pass")
      << d.dump().substr(0, 400);
  // An item with no evidence anywhere is missing, not unchecked.
  EXPECT_EQ(ReportItem(d, "O5").value("status", ""), "missing")
      << d.dump().substr(0, 400);
}

INSTANTIATE_TEST_SUITE_P(Statuses, ExternalCheckBudgetTest,
                         ::testing::Values(403, 503));

}  // namespace
}  // namespace oitwatch
