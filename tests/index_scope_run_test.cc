// Red team rt7budget P18 end to end: a district's ITA index on its own host
// but outside its path prefix (a central portal path /ita/districta/,
// linked "ITA / OIT" from the district's home page) is followed as the
// site's own, with the pages under it, so its items are judged instead of
// going "missing" (crawler/index_scope.h). Bounded: a few hops under it, a
// few such indexes, never another site's pages or another host, never the
// pages beside a script's index (?page=ita), robots.txt obeyed; what the
// bounds leave out makes items unchecked, with its URL. The real binary,
// a loopback server, a real database.
//
// On the version before, every test here but NeverAnotherSitesOrHost fails:
// the index was skipped as another site's page, so O18 and O3 were
// "missing" with nothing in the reason, and no request reached /ita/.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
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

const char kIndexText[] = "ITA การเปิดเผยข้อมูลสาธารณะ (OIT)";
const char kAnnouncement[] =
    "ประกาศนโยบายต่อต้านการรับสินบน (Anti-Bribery Policy) ประจำปี 2568";
const char kReport[] =
    "รายงานผลการดำเนินการตามนโยบายต่อต้านการรับสินบน ประจำปี 2568";
const char kAnnPdf[] = "/files/districta/ann2568.pdf";
const char kRepPdf[] = "/files/districta/rep2568.pdf";

std::string A(const std::string& href, const std::string& text) {
  return "<a href=\"" + href + "\">" + text + "</a> ";
}

TestResponse Page(const std::string& title, const std::string& body) {
  return TestResponse{200, "text/html; charset=utf-8", Html(title, body), {}};
}

TestResponse Pdf(const std::string& text) {
  return TestResponse{200, "application/pdf", MakeSimplePdf(text), {}};
}

// O18's two documents, linked by their titles.
std::string O18Links() {
  return A(kAnnPdf, kAnnouncement) + A(kRepPdf, kReport);
}

std::string Status(const json& site, const std::string& item) {
  return ReportItem(site, item).value("status", "");
}

class IndexScopeRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.Route("/robots.txt", TestResponse{200, "text/plain", "", {}});
    server_.Route(kAnnPdf, Pdf("announcement 2568"));
    server_.Route(kRepPdf, Pdf("report 2568"));
    server_.Route("/districtb/",
                  Page("สำนักงานเขตบี", "<p>สำนักงานเขตบี</p>"));
    ASSERT_TRUE(server_.Start());
    dir_ = MakeTempDir();
  }

  void Home(const std::string& links) {
    server_.Route("/districta/",
                  Page("สำนักงานเขตเอ", "<h1>สำนักงานเขตเอ</h1>" + links));
  }

  // `oitwatch run` over district a (and b, `with_b`); the JSON report of a.
  json Run(bool with_b = false) {
    std::string yaml = "sites:\n  - id: districta\n    name: สำนักงานเขตเอ\n"
                       "    name_en: A\n    url: " +
                       server_.url("/districta/") + "\n";
    if (with_b) {
      yaml += "  - id: districtb\n    name: สำนักงานเขตบี\n    name_en: B\n"
              "    url: " + server_.url("/districtb/") + "\n";
    }
    EXPECT_TRUE(WriteFile(dir_ + "/sites.yaml", yaml));
    const ProcessResult r = RunProcess(
        LoopbackRunArgs(dir_ + "/sites.yaml", dir_ + "/o.db",
                        {"--timeout-ms", "5000", "--no-alerts"}),
        120);
    EXPECT_FALSE(r.timed_out) << "the run must end";
    return ReportSite(ParseReport(r.out, r.err), "districta");
  }

  TestServer server_;
  std::string dir_;
};

// The index and a page under it are read as the district's own: O18's
// documents linked on the page under it, and O3's schools page (an HTML
// page of the index's scope) pass.
TEST_F(IndexScopeRunTest, FollowsTheSitesItaIndexOutsideItsPrefix) {
  Home(A("/ita/districta/", kIndexText));
  server_.Route(
      "/ita/districta/",
      Page("ITA", A("/ita/districta/o18", "นโยบายต่อต้านการรับสินบน") +
                      A("/ita/districta/schools",
                        "รายชื่อโรงเรียนสังกัดกรุงเทพมหานคร")));
  server_.Route("/ita/districta/o18", Page("O18", O18Links()));
  server_.Route("/ita/districta/schools",
                Page("รายชื่อโรงเรียนสังกัดกรุงเทพมหานคร",
                     "<h1>รายชื่อโรงเรียนสังกัดกรุงเทพมหานครในพื้นที่เขต</h1>"
                     "<p>โรงเรียนวัดทดสอบ</p>"));
  const json a = Run();
  EXPECT_EQ(server_.hits("/ita/districta/"), 1);
  EXPECT_EQ(server_.hits("/ita/districta/o18"), 1);
  EXPECT_EQ(Status(a, "O18"), "pass") << a.dump().substr(0, 3000);
  EXPECT_EQ(Status(a, "O3"), "pass") << a.dump().substr(0, 3000);
}

// Pages more than two links under the index are not fetched: what one of
// them may hold is unchecked, with its URL, not missing.
TEST_F(IndexScopeRunTest, PagesDeepUnderTheIndexAreLeftOutUnchecked) {
  Home(A("/ita/districta/", kIndexText));
  server_.Route("/ita/districta/",
                Page("ITA", A("/ita/districta/h1", "หมวด 1 เอกสาร")));
  server_.Route("/ita/districta/h1",
                Page("h1", A("/ita/districta/h2", "หมวด 2 เอกสาร")));
  server_.Route("/ita/districta/h2",
                Page("h2", A("/ita/districta/h3", "หมวด 3 เอกสาร")));
  server_.Route("/ita/districta/h3", Page("h3", O18Links()));
  const json a = Run();
  EXPECT_EQ(server_.hits("/ita/districta/h2"), 1);
  EXPECT_EQ(server_.hits("/ita/districta/h3"), 0) << "3 links under the index";
  EXPECT_EQ(Status(a, "O18"), "unchecked") << a.dump().substr(0, 3000);
  const std::string reason = ReportItem(a, "O18").value("reason", "");
  EXPECT_NE(reason.find(server_.url("/ita/districta/h3")), std::string::npos)
      << reason;
}

// At most three off-prefix indexes a site: the others are left out, and
// the items they may hold are unchecked, never missing.
TEST_F(IndexScopeRunTest, AtMostThreeIndexesAreFollowed) {
  std::string links;
  for (int i = 1; i <= 5; ++i) {
    const std::string path = "/ita" + std::to_string(i) + "/districta/";
    server_.Route(path, Page("ITA", "<p>ITA " + std::to_string(i) + "</p>"));
    links += A(path, kIndexText + std::string(" ") + std::to_string(i));
  }
  Home(links);
  const json a = Run();
  int fetched = 0;
  for (int i = 1; i <= 5; ++i) {
    fetched += server_.hits("/ita" + std::to_string(i) + "/districta/");
  }
  EXPECT_EQ(fetched, 3);
  EXPECT_EQ(Status(a, "O18"), "unchecked") << a.dump().substr(0, 3000);
  EXPECT_NE(ReportItem(a, "O18").value("reason", "").find("/districta/"),
            std::string::npos);
}

// robots.txt governs the index as any page: not fetched, and the items it
// may hold are unchecked (a likely page robots.txt disallows), not missing.
TEST_F(IndexScopeRunTest, RobotsTxtIsObeyedForTheIndex) {
  server_.Route("/robots.txt",
                TestResponse{200, "text/plain",
                             "User-agent: *\nDisallow: /ita/\n", {}});
  Home(A("/ita/districta/", kIndexText));
  server_.Route("/ita/districta/", Page("ITA", O18Links()));
  const json a = Run();
  EXPECT_EQ(server_.hits("/ita/districta/"), 0);
  EXPECT_EQ(Status(a, "O18"), "unchecked") << a.dump().substr(0, 3000);
}

// A script's ITA page (?page=ita) opens that URL alone: its documents are
// read, the script's other pages are not crawled.
TEST_F(IndexScopeRunTest, AScriptsIndexOpensThatUrlOnly) {
  Home(A("/portal.php?page=ita_districta", kIndexText));
  server_.Route("/portal.php", [](const TestRequest& req) {
    if (req.query == "page=ita_districta") {
      return Page("ITA", O18Links() + A("/portal.php?page=p2", "หน้าอื่น") +
                             A("/portal.php?page=ita_more", "เอกสาร ITA"));
    }
    return Page("portal", "<p>" + req.query + "</p>");
  });
  const json a = Run();
  int script_pages = 0;
  for (const TestRequest& req : server_.requests()) {
    if (req.path == "/portal.php") {
      ++script_pages;
      EXPECT_EQ(req.query, "page=ita_districta");
    }
  }
  EXPECT_EQ(script_pages, 1);
  EXPECT_EQ(Status(a, "O18"), "pass") << a.dump().substr(0, 3000);
}

// Links named ITA to another site's pages (under its prefix, or a path
// named after it) or to another host are not followed: another district's
// evidence is never this one's, and the crawl does not leave the host.
TEST_F(IndexScopeRunTest, NeverAnotherSitesOrHost) {
  TestServer other;
  other.Route("/ita/", Page("ITA", O18Links()));
  ASSERT_TRUE(other.Start());
  server_.Route("/districtb/ita", Page("ITA", O18Links()));
  server_.Route("/ita/districtb/", Page("ITA", O18Links()));
  Home(A("/districtb/ita", kIndexText) + A("/ita/districtb/", kIndexText) +
       A(other.url("/ita/"), kIndexText));
  const json a = Run(/*with_b=*/true);
  EXPECT_EQ(server_.hits("/districtb/ita"), 0);
  EXPECT_EQ(server_.hits("/ita/districtb/"), 0);
  EXPECT_EQ(other.hits("/ita/"), 0);
  EXPECT_EQ(server_.hits(kAnnPdf), 0);
  EXPECT_NE(Status(a, "O18"), "pass");
}

}  // namespace
}  // namespace oitwatch
