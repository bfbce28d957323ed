// rt8pipe BUG-2 and its night-2 doubt, end to end: a page of the site that
// could not be read is a crawl gap, whatever the reason, never a reason to
// call what it leads to `missing`. District "d" links an ITA index page
// holding O18's and O6's documents, and O3's schools page. The index page
// over the page size cap (too_large), in a redirect loop, or behind a TLS
// failure leaves O18 and O6 unchecked with the index URL in the site's
// reason; so does an index that was read last night and tonight answers
// with the start page (a redirect home), for that night.
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
#include "tests/test_tls.h"

namespace oitwatch {
namespace {

using nlohmann::json;

const char kIndexText[] = "ITA การเปิดเผยข้อมูลสาธารณะ (OIT)";
const char kSchools[] = "รายชื่อโรงเรียนสังกัดกรุงเทพมหานคร";

std::string A(const std::string& href, const std::string& text) {
  return "<a href=\"" + href + "\">" + text + "</a> ";
}

TestResponse HtmlResponse(std::string html) {
  return TestResponse{200, "text/html; charset=utf-8", std::move(html), {}};
}

TestResponse Redirect(const std::string& to) {
  return TestResponse{302, "text/html", "", {{"Location", to}}};
}

// The index page's links: O18's policy and its report, O6's manual.
std::string IndexLinks() {
  return A("/d/f/ann2568.pdf",
           "ประกาศนโยบายต่อต้านการรับสินบน (Anti-Bribery Policy) ประจำปี 2568") +
         A("/d/f/rep2568.pdf",
           "รายงานผลการดำเนินการตามนโยบายต่อต้านการรับสินบน ประจำปี 2568") +
         A("/d/f/manual2568.pdf", "คู่มือการปฏิบัติงาน ประจำปี 2568");
}

class UnreadPageGapTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.Route(
        "/d/",
        HtmlResponse(Html("สำนักงานเขตดี",
                          A("/d/ita", kIndexText) + A("/d/schools", kSchools) +
                              A("/d/news0", "ข่าวประชาสัมพันธ์ 0") +
                              A("/d/news1", "ข่าวประชาสัมพันธ์ 1"))));
    server_.Route("/d/ita", HtmlResponse(Html("ITA", IndexLinks())));
    server_.Route("/d/schools",
                  HtmlResponse(Html(kSchools, "<h1>" + std::string(kSchools) +
                                                  "ในพื้นที่เขต</h1>"
                                                  "<p>โรงเรียนวัดทดสอบ</p>")));
    for (const char* news : {"/d/news0", "/d/news1"}) {
      server_.Route(news,
                    HtmlResponse(Html("ข่าว", "<p>ข่าวประชาสัมพันธ์ของเขต</p>")));
    }
    for (const char* pdf :
         {"/d/f/ann2568.pdf", "/d/f/rep2568.pdf", "/d/f/manual2568.pdf"}) {
      server_.Route(
          pdf, TestResponse{
                   200, "application/pdf", MakeSimplePdf("document 2568"), {}});
    }
    ASSERT_TRUE(server_.Start());
    dir_ = MakeTempDir();
    ASSERT_TRUE(
        WriteFile(dir_ + "/sites.yaml", OneSiteYaml(server_.url("/d/"))));
  }

  json Run(const std::vector<std::string>& flags = {}) {
    std::vector<std::string> argv = LoopbackRunArgs(
        dir_ + "/sites.yaml", dir_ + "/o.db", {"--timeout-ms", "10000"});
    argv.insert(argv.end(), flags.begin(), flags.end());
    const ProcessResult r = RunProcess(argv, 120);
    EXPECT_FALSE(r.timed_out) << "the run must end";
    return ReportSite(ParseReport(r.out, r.err), "d");
  }

  static std::string Status(const json& site, const std::string& item) {
    return ReportItem(site, item).value("status", "");
  }

  // The site's state and reason and its items' states, for a failure.
  static std::string Summary(const json& d) {
    std::string out = d.value("state", "") + ": " + d.value("reason", "");
    for (const json& item : d.value("items", json::array())) {
      out += "\n  " + item.value("id", "") + " " + item.value("status", "") +
             " " + item.value("reason", "");
    }
    return out;
  }

  // O18 and O6 (evidence under the index) unchecked, the index page and
  // `why` named in the site's reason; O3 (not under it) still passes.
  void ExpectIndexGap(const json& d, const std::string& why) {
    EXPECT_EQ(d.value("state", ""), "checked") << Summary(d);
    EXPECT_EQ(Status(d, "O3"), "pass") << Summary(d);
    EXPECT_EQ(Status(d, "O18"), "unchecked") << Summary(d);
    EXPECT_EQ(Status(d, "O6"), "unchecked") << Summary(d);
    const std::string reason = d.value("reason", "");
    EXPECT_NE(reason.find(server_.url("/d/ita")), std::string::npos) << reason;
    EXPECT_NE(reason.find(why), std::string::npos) << reason;
  }

  TestServer server_;
  std::string dir_;
};

TEST_F(UnreadPageGapTest, TheIndexReadInFullPassesItsItems) {
  const json d = Run();
  EXPECT_EQ(Status(d, "O3"), "pass") << Summary(d);
  EXPECT_EQ(Status(d, "O18"), "pass") << Summary(d);
  EXPECT_EQ(Status(d, "O6"), "pass") << Summary(d);
}

// An index page over the 10 MiB page cap (a data: image at its top) was
// not read: its links were never seen.
TEST_F(UnreadPageGapTest, AnIndexOverTheSizeCapIsAGap) {
  const std::string image(11u << 20, 'A');
  server_.Route("/d/ita",
                HtmlResponse(Html("ITA", "<img src=\"data:image/png;base64," +
                                             image + "\">" + IndexLinks())));
  ExpectIndexGap(Run(), "too_large");
}

// A news page over the cap on a small site: any page of it may hold what
// the site lacks.
TEST_F(UnreadPageGapTest, AnyPageOverTheSizeCapOfASmallSiteIsAGap) {
  server_.Route("/d/news1",
                HtmlResponse(Html("ข่าว", "<!-- " + std::string(11u << 20, 'x') +
                                             " -->" + IndexLinks())));
  server_.Route("/d/ita", HtmlResponse(Html("ITA", "<p>ว่าง</p>")));
  const json d = Run();
  EXPECT_EQ(Status(d, "O18"), "unchecked") << Summary(d);
  const std::string reason = d.value("reason", "");
  EXPECT_NE(reason.find(server_.url("/d/news1") + ": too_large"),
            std::string::npos)
      << reason;
}

TEST_F(UnreadPageGapTest, AnIndexInARedirectLoopIsAGap) {
  server_.Route("/d/ita", Redirect("/d/ita2"));
  server_.Route("/d/ita2", Redirect("/d/ita"));
  ExpectIndexGap(Run(), "too_many_redirects");
}

// The index moved to https on another port (allowed) whose certificate
// does not verify: the page was not read.
TEST_F(UnreadPageGapTest, AnIndexBehindATlsFailureIsAGap) {
  TestPki pki;
  std::string err;
  ASSERT_TRUE(MakeTestPki(MakeTempDir(), "127.0.0.1", &pki, &err)) << err;
  TlsServer tls;
  ASSERT_TRUE(tls.Start(pki.self_signed_cert, pki.key, &err)) << err;
  server_.Route(
      "/d/ita",
      Redirect("https://127.0.0.1:" + std::to_string(tls.port()) + "/d/ita"));
  ExpectIndexGap(Run({"--allow-port", std::to_string(tls.port())}),
                 "tls_error");
}

// Night 1 reads the index; night 2 it redirects to the start page (a CMS
// glitch, or the section removed): what was found through it last night is
// not called missing that night, and the reason says why. Night 3, the
// start page again: the index is gone (its last copy was no page either),
// and what only it linked is missing.
TEST_F(UnreadPageGapTest, AnIndexThatNowAnswersWithTheStartPageIsAGapOnce) {
  json d = Run();
  ASSERT_EQ(Status(d, "O18"), "pass") << Summary(d);
  server_.Route("/d/ita", Redirect("/d/"));
  d = Run();
  ExpectIndexGap(d, "redirects to the home page");
  d = Run();
  EXPECT_EQ(Status(d, "O18"), "missing") << Summary(d);
  EXPECT_EQ(Status(d, "O3"), "pass") << Summary(d);
}

// The same with the start page's bytes served under the index URL.
TEST_F(UnreadPageGapTest, AnIndexThatNowShowsTheStartPageIsAGap) {
  json d = Run();
  ASSERT_EQ(Status(d, "O18"), "pass") << Summary(d);
  server_.Route("/d/ita", [this](const TestRequest&) {
    return HtmlResponse(Html(
        "สำนักงานเขตดี", A("/d/ita", kIndexText) + A("/d/schools", kSchools) +
                           A("/d/news0", "ข่าวประชาสัมพันธ์ 0") +
                           A("/d/news1", "ข่าวประชาสัมพันธ์ 1")));
  });
  ExpectIndexGap(Run(), "shows the home page");
}

}  // namespace
}  // namespace oitwatch
