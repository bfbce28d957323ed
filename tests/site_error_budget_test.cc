// rt7budget P15: all 50 districts share one host. A district whose pages all
// fail (500, timeouts) is left after CrawlConfig::site_error_budget failures
// in a row: the rest of it is not fetched and what it lacks is unchecked,
// while the other districts' successes on the same host keep going. Before,
// only the host's budget counted, and the healthy district's successes kept
// resetting it: every link of the sick district was tried, three times
// each, each failure holding one of the host's connections (for a whole
// timeout when the pages hang).
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "tests/test_html.h"
#include "tests/test_process.h"
#include "tests/test_report_json.h"
#include "tests/test_server.h"

namespace oitwatch {
namespace {

using nlohmann::json;

constexpr int kGoodPages =
    6;  // a chain (each page links the next), within --max-depth
constexpr int kBadLinks = 30;

TEST(SiteErrorBudgetTest, AFailingSiteIsLeftAndItsHostKeepsServingTheOthers) {
  TestServer server;
  // The healthy district: a chain of slow-ish pages (one in flight at a
  // time), the last of which links its O3 evidence.
  for (int i = 0; i < kGoodPages; ++i) {
    const std::string path = i == 0 ? "/good/" : "/good/p" + std::to_string(i);
    const std::string next =
        i + 1 < kGoodPages
            ? "<a href=\"/good/p" + std::to_string(i + 1) + "\">ข่าว " +
                  std::to_string(i + 1) + "</a>"
            : "<a href=\"/good/schools\">รายชื่อโรงเรียนสังกัดกรุงเทพมหานคร</a>";
    const std::string body = Html("สำนักงานเขตทดสอบ " + std::to_string(i), next);
    server.Route(path, [body](const TestRequest&) {
      std::this_thread::sleep_for(std::chrono::milliseconds(150));
      return TestResponse{200, "text/html; charset=utf-8", body, {}};
    });
  }
  server.Route("/good/schools",
               TestResponse{200,
                            "text/html; charset=utf-8",
                            Html("รายชื่อโรงเรียนสังกัดกรุงเทพมหานคร",
                                 "<h1>รายชื่อโรงเรียนสังกัดกรุงเทพมหานคร"
                                 "ในพื้นที่เขต</h1><p>โรงเรียนวัดทดสอบ</p>"),
                            {}});
  // The sick district: its start page answers, every page it links fails.
  std::string links;
  for (int i = 0; i < kBadLinks; ++i) {
    links += "<a href=\"/bad/x" + std::to_string(i) + "\">ข่าวประชาสัมพันธ์ " +
             std::to_string(i) + "</a> ";
    server.Route("/bad/x" + std::to_string(i),
                 TestResponse{500, "text/html", "<h1>Internal error</h1>", {}});
  }
  server.Route(
      "/bad/",
      TestResponse{
          200, "text/html; charset=utf-8", Html("สำนักงานเขตป่วย", links), {}});
  ASSERT_TRUE(server.Start());
  const std::string dir = MakeTempDir();
  ASSERT_TRUE(
      WriteFile(dir + "/sites.yaml",
                "sites:\n"
                "  - id: good\n    name: สำนักงานเขตทดสอบ\n    name_en: Good\n"
                "    url: " +
                    server.url("/good/") +
                    "\n"
                    "  - id: bad\n    name: สำนักงานเขตป่วย\n    name_en: Bad\n"
                    "    url: " +
                    server.url("/bad/") + "\n"));
  const ProcessResult r = RunProcess(
      LoopbackRunArgs(dir + "/sites.yaml", dir + "/o.db",
                      {"--host-connections", "2", "--timeout-ms", "5000"}),
      120);
  ASSERT_FALSE(r.timed_out);
  const json report = ParseReport(r.out, r.err);
  const json good = ReportSite(report, "good");
  EXPECT_EQ(ReportItem(good, "O3").value("status", ""), "pass") << good.dump();
  EXPECT_EQ(server.hits("/good/schools"), 1);
  const json bad = ReportSite(report, "bad");
  EXPECT_NE(bad.value("reason", "")
                .find("site dropped after 8 consecutive failed fetches"),
            std::string::npos)
      << bad.dump().substr(0, 2000);
  for (const json& item : bad.value("items", json::array())) {
    EXPECT_NE(item.value("status", ""), "missing") << item.dump();
  }
  int bad_fetches = 0;
  for (int i = 0; i < kBadLinks; ++i) {
    bad_fetches += server.hits("/bad/x" + std::to_string(i));
  }
  EXPECT_LE(bad_fetches, 8 + 2);  // the budget, and what was in flight
}

}  // namespace
}  // namespace oitwatch
