// Red team rtpdf B02-B04 end to end: the real binary crawls a good site and
// a district whose O5 plan is a small hostile PDF (hours of parsing, or
// gigabytes). The run ends, the neighbour is reported with its passes, and
// the plan is `unchecked` with the reason, never `pass`, `broken` or
// `missing`; `verify` says the same.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/test_html.h"
#include "tests/test_pdf.h"
#include "tests/test_process.h"
#include "tests/test_report_json.h"
#include "tests/test_server.h"

namespace oitwatch {
namespace {

using nlohmann::json;

const char kPlan[] = "/d/files/Action_Plan_2568.pdf";

TestResponse PdfResponse(std::string bytes) {
  return TestResponse{200, "application/pdf", std::move(bytes), {}};
}

std::string Rules() {
  return std::string(OITWATCH_SOURCE_DIR) +
         "/config/rules/bma-district-2568.yaml";
}


// A good site earning O3 with one link, and district "d" whose page links
// O5's plan (`plan`) and report.
class PdfBombTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.Route(
        "/good/",
        TestResponse{200,
                     "text/html; charset=utf-8",
                     Html("สำนักงานเขตทดสอบ",
                          "<h1>สำนักงานเขตทดสอบ</h1><a href=\"/good/schools\">"
                          "รายชื่อโรงเรียนสังกัดกรุงเทพมหานคร</a>"),
                     {}});
    server_.Route(
        "/good/schools",
        TestResponse{200,
                     "text/html; charset=utf-8",
                     Html("รายชื่อโรงเรียนสังกัดกรุงเทพมหานคร",
                          "<h1>รายชื่อโรงเรียนสังกัดกรุงเทพมหานครในพื้นที่เขต</h1>"
                          "<p>โรงเรียนวัดทดสอบ</p>"),
                     {}});
    server_.Route(
        "/d/",
        TestResponse{
            200,
            "text/html; charset=utf-8",
            Html("สำนักงานเขตดี",
                 std::string("<a href=\"") + kPlan +
                     "\">O5 แผนปฏิบัติราชการประจำปี "
                     "พ.ศ. 2568</a> <a href=\"/d/files/Report_2567.pdf\">O5 "
                     "รายงานผลการปฏิบัติราชการประจำปี พ.ศ. 2567</a>"),
            {}});
    server_.Route("/d/files/Report_2567.pdf",
                  PdfResponse(MakeSimplePdf("Performance report FY 2567")));
    ASSERT_TRUE(server_.Start());
    dir_ = MakeTempDir();
    ASSERT_TRUE(
        WriteFile(dir_ + "/sites.yaml",
                  "sites:\n"
                  "  - id: good\n    name: สำนักงานเขตทดสอบ\n    name_en: Good\n"
                  "    url: " +
                      server_.url("/good/") +
                      "\n"
                      "  - id: d\n    name: สำนักงานเขตดี\n    name_en: D\n"
                      "    url: " +
                      server_.url("/d/") + "\n"));
  }

  // `oitwatch run` with `flags`; the JSON report.
  json Run(const std::vector<std::string>& flags) {
    std::vector<std::string> argv = LoopbackRunArgs(
        dir_ + "/sites.yaml", dir_ + "/o.db", {"--timeout-ms", "5000"});
    argv.insert(argv.end(), flags.begin(), flags.end());
    const auto start = std::chrono::steady_clock::now();
    last_ = RunProcess(argv, 90);
    seconds_ =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    EXPECT_FALSE(last_.timed_out) << "the run must end";
    EXPECT_EQ(last_.signal, 0) << last_.err;
    try {
      return json::parse(last_.out);
    } catch (const json::exception& e) {
      ADD_FAILURE() << e.what() << "\n"
                    << last_.out.substr(0, 2000) << last_.err;
      return json::object();
    }
  }

  // The good neighbour passes O3; d's O5 is unchecked because of the plan,
  // with `why` in its reason and the plan as its evidence.
  void ExpectPlanUnchecked(const json& report, const std::string& why) {
    const json good = ReportSite(report, "good");
    EXPECT_EQ(good.value("state", ""), "checked") << good.dump();
    EXPECT_EQ(ReportItem(good, "O3").value("status", ""), "pass") << good.dump();
    const json d = ReportSite(report, "d");
    // No other item of d could be judged (a small site with a failed page):
    // d is reported unchecked as a whole (reports/report.h, probe H01).
    EXPECT_EQ(d.value("state", ""), "unchecked") << d.dump();
    const json o5 = ReportItem(d, "O5");
    EXPECT_EQ(o5.value("status", ""), "unchecked") << o5.dump();
    const std::string reason = o5.value("reason", "");
    EXPECT_NE(reason.find(server_.url(kPlan)), std::string::npos) << reason;
    EXPECT_NE(reason.find(why), std::string::npos) << reason;
  }

  TestServer server_;
  std::string dir_;
  ProcessResult last_;
  double seconds_ = 0;
};

// B02: one page listing a 10 MiB stream 20,000 times (hours in poppler).
TEST_F(PdfBombTest, B02_EndlessPdfIsUncheckedAndTheRunEnds) {
  server_.Route(kPlan, PdfResponse(MakeContentsBombPdf("Action plan FY 2568",
                                                       "q Q ", 10, 20000)));
  const json report = Run({"--pdf-timeout-ms", "2000"});
  EXPECT_LT(seconds_, 60.0);
  ExpectPlanUnchecked(report,
                      "PDF too complex to read safely (stopped after 2 s)");
}

// B03/B04: gigabytes of path segments; poppler aborts at the limit.
TEST_F(PdfBombTest, B04_PdfOverTheMemoryLimitIsUncheckedAndTheRunEnds) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "ASan builds run the worker without RLIMIT_AS";
#endif
  server_.Route(kPlan, PdfResponse(MakeContentsBombPdf("Action plan FY 2568",
                                                       "0 0 m 1 1 l ", 10, 8)));
  const json report = Run({"--pdf-memory-mb", "256"});
  ExpectPlanUnchecked(report,
                      "PDF too complex to read safely (out of memory: limit "
                      "256 MiB");
}

// The next night reads the plan again (it is no good copy to re-use), and
// a plan that became readable passes.
TEST_F(PdfBombTest, NextNightReadsTheFixedPlanAfresh) {
  server_.Route(kPlan, PdfResponse(MakeContentsBombPdf("Action plan FY 2568",
                                                       "q Q ", 10, 20000)));
  Run({"--pdf-timeout-ms", "1000"});
  server_.Route(kPlan, PdfResponse(MakeSimplePdf("Action plan FY 2568")));
  const json report = Run({"--pdf-timeout-ms", "1000"});
  const json o5 = ReportItem(ReportSite(report, "d"), "O5");
  EXPECT_EQ(o5.value("status", ""), "pass") << o5.dump();
}

// rt6net E01: PDFs are read one at a time and no host is fetched meanwhile,
// so a site whose PDFs all need the whole deadline would take every other
// site's night. After 3 of d's PDFs gave up, its other PDFs are not read:
// the plan, linked last (fetched after the bombs), is unchecked with that
// reason, never read, pass or broken.
TEST_F(PdfBombTest, E01_ASiteStopsBeingReadAfterThreePdfsGaveUp) {
  std::string links;
  for (int i = 1; i <= 4; ++i) {
    const std::string path =
        "/d/files/Action_Plan_2568_" + std::to_string(i) + ".pdf";
    server_.Route(path, PdfResponse(MakeContentsBombPdf(
                            "Action plan FY 2568", "q Q ", 10, 20000)));
    links += "<a href=\"" + path + "\">O5 แผนปฏิบัติราชการประจำปี พ.ศ. 2568</a> ";
  }
  server_.Route(kPlan, PdfResponse(MakeSimplePdf("Action plan FY 2568")));
  server_.Route("/d/", TestResponse{200, "text/html; charset=utf-8",
                                    Html("สำนักงานเขตดี",
                                         links + "<a href=\"" + kPlan +
                                             "\">O5 แผนปฏิบัติราชการประจำปี "
                                             "พ.ศ. 2568</a> <a href=\"/d/files/"
                                             "Report_2567.pdf\">O5 รายงานผลการ"
                                             "ปฏิบัติราชการประจำปี พ.ศ. 2567</a>"),
                                    {}});
  const json report = Run({"--pdf-timeout-ms", "1000"});
  ExpectPlanUnchecked(report, "PDF reading budget spent: not read: 3 of the "
                              "site's PDFs were too complex to read safely");
  EXPECT_EQ(server_.hits(kPlan), 1) << "fetched, only not read";
}

TEST_F(PdfBombTest, VerifySaysTheSame) {
  server_.Route(kPlan, PdfResponse(MakeContentsBombPdf("Action plan FY 2568",
                                                       "q Q ", 10, 20000)));
  server_.Route("/d/files/Annual_Report_2567.pdf",
                PdfResponse(MakeSimplePdf("Annual report FY 2567")));
  ASSERT_TRUE(WriteFile(dir_ + "/submissions.csv",
                        "item,url\nO5," + server_.url(kPlan) + "\nO5," +
                            server_.url("/d/files/Annual_Report_2567.pdf") +
                            "\n"));
  ProcessResult r = RunProcess(
      {OITWATCH_BINARY, "verify", "--site", "d", "--submissions",
       dir_ + "/submissions.csv", "--sites", dir_ + "/sites.yaml", "--rules",
       Rules(), "--as-of", "2025-04-10", "--allow-address", "127.0.0.1",
       "--timeout-ms", "5000", "--pdf-timeout-ms", "2000"},
      60);
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  EXPECT_NE(r.out.find("PDF too complex to read safely (stopped after 2 s)"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("(unchecked)"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace oitwatch
