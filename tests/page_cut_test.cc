// A page the HTML reader cuts (DocumentLimits: too many links, too large,
// too much text) is no proof that an item is missing (rt7budget BUG-1,
// BUG-2): the real `oitwatch` binary on a loopback site whose ITA link sits
// past a cut must report the item unchecked with the cut in the reasons, on
// the night it is cut and on the next one, when the page is unchanged; and
// links that only repeat (a menu, the page itself) must not cut it at all;
// a page of hostile tags is read in bounded work.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/test_html.h"
#include "tests/test_pdf.h"
#include "tests/test_process.h"
#include "tests/test_report_json.h"
#include "tests/test_server.h"

namespace oitwatch {
namespace {

using nlohmann::json;

constexpr char kIta[] = "ITA การเปิดเผยข้อมูลสาธารณะ (OIT)";

TestResponse Page(const std::string& title, const std::string& body) {
  return TestResponse{200, "text/html; charset=utf-8", Html(title, body), {}};
}

TestResponse Pdf(const std::string& text) {
  TestResponse r;
  r.content_type = "application/pdf";
  r.body = MakeSimplePdfPages({text}, SimplePdfInfo());
  return r;
}

std::string A(const std::string& href, const std::string& text) {
  return "<a href=\"" + href + "\">" + text + "</a> ";
}

class PageCutTest : public ::testing::Test {
 protected:
  // Serves /d/ (`home_body` and then the ITA link) and the ITA page with
  // both O18 documents.
  void Serve(const std::string& home_body) {
    server_.Route("/robots.txt", TestResponse{200, "text/plain", "", {}});
    server_.Route("/d/", Page("สำนักงานเขต", home_body + A("/d/ita", kIta)));
    server_.Route(
        "/d/ita",
        Page("ITA",
             A("/d/f/ann2568.pdf",
               "ประกาศนโยบายต่อต้านการรับสินบน (Anti-Bribery Policy) ประจำปี 2568") +
                 A("/d/f/rep2568.pdf",
                   "รายงานผลการดำเนินการตามนโยบายต่อต้านการรับสินบน ประจำปี 2568")));
    server_.Route("/d/f/ann2568.pdf", Pdf("announcement 2568"));
    server_.Route("/d/f/rep2568.pdf", Pdf("report 2568"));
    ASSERT_TRUE(server_.Start());
    dir_ = MakeTempDir();
    ASSERT_TRUE(
        WriteFile(dir_ + "/sites.yaml", OneSiteYaml(server_.url("/d/"))));
  }

  json Run(const std::string& db = "x.db") {
    ProcessResult r = RunProcess(
        {OITWATCH_BINARY, "run", "--sites", dir_ + "/sites.yaml", "--rules",
         std::string(OITWATCH_SOURCE_DIR) +
             "/config/rules/bma-district-2568.yaml",
         "--db", dir_ + "/" + db, "--as-of", "2025-04-10", "--host-delay-ms",
         "0", "--allow-address", "127.0.0.1", "--no-alerts", "--format", "json",
         "--quiet"},
        120);
    EXPECT_FALSE(r.timed_out);
    json out = json::parse(r.out, nullptr, false);
    EXPECT_FALSE(out.is_discarded()) << r.err;
    return out.is_discarded() ? json() : out["sites"][0];
  }

  static json Item(const json& site, const std::string& id) {
    for (const json& item : site["items"]) {
      if (item["id"] == id) return item;
    }
    ADD_FAILURE() << "no item " << id;
    return json();
  }

  TestServer server_;
  std::string dir_;
};

TEST_F(PageCutTest, RepeatedLinksDoNotCutThePage) {
  // 2000 links to the home page itself (a menu on every row, "top") used
  // to fill the 2000-link cap before the ITA link.
  std::string body;
  for (int i = 0; i < 1000; ++i) body += A("/d/", "หน้าหลัก") + A("#top", "บน");
  for (int i = 0; i < 1000; ++i) body += A("/d/#top", "บน");
  Serve(body);
  const json site = Run();
  EXPECT_EQ(Item(site, "O18")["status"], "pass") << site.dump();
  EXPECT_EQ(site["reason"].get<std::string>().find("page cut"),
            std::string::npos);
  EXPECT_EQ(server_.hits("/d/ita"), 1);
}

TEST_F(PageCutTest, LinksPastTheCapLeaveItemsUncheckedNotMissing) {
  std::string body;  // 2000 distinct links (other hosts: none is fetched)
  for (int i = 0; i < 2000; ++i) {
    body += A("http://ext" + std::to_string(i) + ".example.org/", "ลิงก์");
  }
  Serve(body);
  for (int night = 1; night <= 2; ++night) {  // the page unchanged
    const json site = Run();
    const json o18 = Item(site, "O18");
    EXPECT_EQ(o18["status"], "unchecked") << site.dump();
    EXPECT_NE(o18["reason"].get<std::string>().find("page was cut"),
              std::string::npos);
    EXPECT_NE(site["reason"].get<std::string>().find(
                  "1 link past the first 2000 not read"),
              std::string::npos)
        << site["reason"];
    for (const json& item : site["items"]) EXPECT_NE(item["status"], "missing");
  }
  EXPECT_EQ(server_.hits("/d/ita"), 0);
  EXPECT_EQ(server_.hits("/d/"), 2);
}

TEST_F(PageCutTest, ANineMiBPageIsReadWhole) {
  // The fetcher keeps 10 MiB; the reader used to cut at 8 MiB, silently.
  Serve("<!--" + std::string(9u << 20, 'x') + "-->");
  const json site = Run();
  EXPECT_EQ(Item(site, "O18")["status"], "pass") << site["reason"];
  EXPECT_EQ(server_.hits("/d/ita"), 1);
}

TEST_F(PageCutTest, TextPastTheCapLeavesMissingItemsUnchecked) {
  // 2 MiB of visible text: the text past 1 MiB is not matched.
  std::string text;
  while (text.size() < (2u << 20)) text += "ข่าวสาร ";
  Serve("<p>" + text + "</p>");
  const json site = Run();
  EXPECT_EQ(Item(site, "O18")["status"], "pass");  // its link was read
  const json o1 = Item(site, "O1");
  EXPECT_EQ(o1["status"], "unchecked") << site.dump();
  EXPECT_NE(site["reason"].get<std::string>().find("text past 1.0 MiB"),
            std::string::npos);
}

TEST_F(PageCutTest, APageOfHostileTagsIsReadInBoundedWork) {
  // rt7parse: 300,000 attributes on one tag kept a run at 100 % CPU for
  // over 10 minutes. Now its attributes past 128 are dropped (nothing the
  // walk reads): the run ends and the ITA link after the tag is followed.
  std::string body = "<div";
  for (int i = 0; i < 300000; ++i) body += " a" + std::to_string(i);
  Serve(body + ">x</div>");
  const json site = Run();
  EXPECT_EQ(Item(site, "O18")["status"], "pass") << site["reason"];
  EXPECT_EQ(site["reason"].get<std::string>().find("page cut"),
            std::string::npos);
}

}  // namespace
}  // namespace oitwatch
