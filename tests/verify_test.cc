// `oitwatch verify` (app/verify.h): the real binary checks the committee's
// planned (item, URL) submissions against a loopback TestServer with the
// shipped FY2568 rules — a good pair, a 404, another district's page, a
// wrong-year PDF, an unreachable host — and rejects malformed CSV with
// FILE:LINE messages.
#include "app/verify.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "tests/test_corpus.h"
#include "tests/test_pdf.h"
#include "tests/test_process.h"
#include "tests/test_server.h"

namespace oitwatch {
namespace {

const char kFiles[] = "/public/user_files_editor/41/ITA/";

TestResponse Pdf(const std::string& text) {
  TestResponse r;
  r.content_type = "application/pdf";
  r.body = MakeSimplePdf(text);
  return r;
}

TestResponse Html(const std::string& title, const std::string& body) {
  return TestResponse{200, "text/html; charset=utf-8",
                      "<!doctype html><html><head><meta charset=\"utf-8\"><title>" +
                          title + "</title></head><body>" + body +
                          "</body></html>",
                      {}};
}

std::string Rules() {
  return std::string(OITWATCH_SOURCE_DIR) + "/config/rules/bma-district-2568.yaml";
}

class VerifyTest : public testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.Start());
    std::string f = kFiles;
    server_.Route("/laksi/", Html("สำนักงานเขตหลักสี่", "<h1>สำนักงานเขตหลักสี่</h1>"));
    server_.Route(f + "2568/Action_Plan_2568.pdf", Pdf("Action plan FY 2568"));
    server_.Route(f + "2568/Annual_Report_2567.pdf", Pdf("Annual report FY 2567"));
    server_.Route(f + "2566/Action_Plan_2566.pdf", Pdf("Action plan FY 2566"));
    server_.Route(f + "2566/Annual_Report_2565.pdf", Pdf("Annual report FY 2565"));
    server_.Route("/dindaeng/structure",
                  Html("โครงสร้างหน่วยงาน", "<h1>แผนผังโครงสร้างสำนักงานเขตดินแดง</h1>"));
    dir_ = MakeTempDir();
    sites_ = dir_ + "/sites.yaml";
    ASSERT_TRUE(WriteFile(sites_,
        "sites:\n"
        "  - id: laksi\n    name: สำนักงานเขตหลักสี่\n    name_en: Lak Si\n"
        "    url: " + server_.url("/laksi/") + "\n"
        "  - id: dindaeng\n    name: สำนักงานเขตดินแดง\n    name_en: Din Daeng\n"
        "    url: " + server_.url("/dindaeng/") + "\n"));
  }

  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  std::string Url(const std::string& path) { return server_.url(path); }

  ProcessResult Verify(const std::string& csv,
                       const std::vector<std::string>& flags = {}) {
    std::string path = dir_ + "/submissions.csv";
    EXPECT_TRUE(WriteFile(path, csv));
    std::vector<std::string> args = {
        OITWATCH_BINARY, "verify", "--site", "laksi", "--submissions", path,
        "--sites", sites_, "--rules", Rules(), "--as-of", "2025-04-10",
        "--allow-address", "127.0.0.1", "--timeout-ms", "5000"};
    args.insert(args.end(), flags.begin(), flags.end());
    ProcessResult r = RunProcess(args);
    if (std::getenv("OITWATCH_TEST_VERBOSE")) std::cerr << r.out << r.err;
    return r;
  }

  // The output line of `item`, "" if none.
  static std::string Line(const ProcessResult& r, const std::string& item) {
    size_t pos = 0;
    while (pos < r.out.size()) {
      size_t end = r.out.find('\n', pos);
      std::string line = r.out.substr(pos, end - pos);
      if (line.rfind(item + " ", 0) == 0) return line;
      if (end == std::string::npos) break;
      pos = end + 1;
    }
    return "";
  }

  TestServer server_;
  std::string dir_, sites_;
};

TEST_F(VerifyTest, GoodPairsAreOkAndExitZero) {
  std::string f = kFiles;
  // UTF-8 BOM, CRLF, a quoted URL, a blank line, lower-case item id.
  ProcessResult r = Verify("\xEF\xBB\xBFitem,url\r\nO5," +
                           Url(f + "2568/Action_Plan_2568.pdf") + "\r\n\r\no5,\"" +
                           Url(f + "2568/Annual_Report_2567.pdf") + "\"\r\n");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(Line(r, "O5").find("ใช้ได้ (ok)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("มีปัญหา problem 0"), std::string::npos) << r.out;
}

TEST_F(VerifyTest, NotFoundUrlIsAProblem) {
  ProcessResult r = Verify("item,url\nO5," + Url("/laksi/Action_Plan_2568.pdf") + "\n");
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  std::string line = Line(r, "O5");
  EXPECT_NE(line.find("มีปัญหา (problem)"), std::string::npos) << r.out;
  EXPECT_NE(line.find("unreachable: http_error HTTP 404"), std::string::npos) << line;
  EXPECT_NE(line.find("broken"), std::string::npos) << line;
}

TEST_F(VerifyTest, AnotherDistrictsPageIsNotTheOfficesSite) {
  ProcessResult r = Verify("item,url\nO1," + Url("/dindaeng/structure") + "\n");
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  std::string line = Line(r, "O1");
  EXPECT_NE(line.find("another office's page"), std::string::npos) << line;
  EXPECT_EQ(line.find("unreachable"), std::string::npos) << line;
}

TEST_F(VerifyTest, WrongYearPdfIsStale) {
  std::string f = kFiles;
  ProcessResult r = Verify("item,url\nO5," + Url(f + "2566/Action_Plan_2566.pdf") +
                           "\nO5," + Url(f + "2566/Annual_Report_2565.pdf") + "\n");
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  std::string line = Line(r, "O5");
  EXPECT_NE(line.find("(stale)"), std::string::npos) << line;
  EXPECT_NE(line.find("found FY2566, need FY2568"), std::string::npos) << line;
}

// Red-team F1 through verify: a 6-month report submitted for O5 under a
// plan's file name. Its own text names it a report (an exclusion of the
// plan), so the name does not make it the plan, as in a crawl.
TEST_F(VerifyTest, DocumentThatNamesItselfSomethingElseIsNotCreditedByItsName) {
  std::string f = kFiles;
  server_.Route(f + "2568/Action_Plan_2568_6M.pdf",
                TestResponse{200, "application/pdf",
                             MakeThaiPdf({"รายงานผลการดำเนินงานตามแผนปฏิบัติ"
                                          "ราชการ รอบ 6 เดือน ประจำปีงบประมาณ "
                                          "พ.ศ. 2568"}),
                             {}});
  ProcessResult r = Verify("item,url\nO5," + Url(f + "2568/Action_Plan_2568_6M.pdf") +
                           "\nO5," + Url(f + "2568/Annual_Report_2567.pdf") + "\n");
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  std::string line = Line(r, "O5");
  EXPECT_EQ(line.find("ใช้ได้ (ok)"), std::string::npos) << r.out;
}

TEST_F(VerifyTest, FileThatCannotBeOpenedIsBrokenNotOk) {
  // The plan's URL answers 200, but with a "not found" page, nothing, or a
  // PDF that does not open: the assessors would see no plan.
  std::string f = kFiles;
  const std::string plan = f + "2568/Action_Plan_2568.pdf";
  for (const TestResponse& answer :
       {Html("ไม่พบหน้า", "<h1>404 ไม่พบหน้าที่คุณต้องการ</h1>"),
        TestResponse{200, "application/pdf", "", {}},
        TestResponse{200, "application/pdf", "%PDF-1.4\n1 0 obj <<", {}}}) {
    SCOPED_TRACE(answer.content_type + " " + answer.body);
    server_.Route(plan, answer);
    ProcessResult r = Verify("item,url\nO5," + Url(plan) + "\nO5," +
                             Url(f + "2568/Annual_Report_2567.pdf") + "\n");
    EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
    const std::string line = Line(r, "O5");
    EXPECT_NE(line.find("file cannot be opened"), std::string::npos) << line;
    EXPECT_NE(line.find("broken"), std::string::npos) << line;
  }
}

// Red-team quirk 13 (probes N5/N5b/N5c): a submitted page that the CMS
// removed still answers, with the home page or a login form. The assessors
// would see no schools list there: broken, with the reason.
TEST_F(VerifyTest, PageThatBecameTheHomePageOrALoginIsBroken) {
  const std::string schools = "/laksi/schools";
  struct Case {
    TestResponse answer;
    std::string why;
  };
  for (const Case& c :
       {Case{{302, "text/html", "", {{"Location", "/laksi/"}}},
             "redirects to the home page " + Url("/laksi/")},
        Case{Html("สำนักงานเขตหลักสี่", "<h1>สำนักงานเขตหลักสี่</h1>"),
             "shows the home page"},  // the start page's bytes (SetUp)
        Case{Html("เข้าสู่ระบบ", "<form>ชื่อผู้ใช้ <input name=u> รหัสผ่าน "
                                 "<input type=password name=p></form>"),
             "shows a login page"}}) {
    SCOPED_TRACE(c.why);
    server_.Route(schools, c.answer);
    ProcessResult r = Verify("item,url\nO3," + Url(schools) + "\n");
    EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
    const std::string line = Line(r, "O3");
    EXPECT_NE(line.find(c.why), std::string::npos) << line;
    EXPECT_NE(line.find("broken"), std::string::npos) << line;
  }
  server_.Route(schools,
                Html("โรงเรียน", "<h1>รายชื่อโรงเรียนสังกัดกรุงเทพมหานครในพื้นที่เขต"
                                 "</h1><p>โรงเรียนวัดหลักสี่</p>"));
  ProcessResult r = Verify("item,url\nO3," + Url(schools) + "\n");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST_F(VerifyTest, UnreachableHostIsAProblemNotAPass) {
  TestServer gone;
  ASSERT_TRUE(gone.Start());
  std::string url = gone.url("/laksi/Action_Plan_2568.pdf");
  gone.Stop();  // nothing listens on that port any more
  ProcessResult r = Verify("item,url\nO5," + url + "\n");
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  std::string line = Line(r, "O5");
  EXPECT_NE(line.find("unreachable: connect_error"), std::string::npos) << line;
}

TEST_F(VerifyTest, PageThatDoesNotMatchTheItemSaysSo) {
  ProcessResult r = Verify("item,url\nO18," + Url("/laksi/") + "\n");
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  EXPECT_NE(Line(r, "O18").find("nothing of O18 matched"), std::string::npos)
      << r.out;
}

TEST_F(VerifyTest, MalformedCsvGivesFileLineErrorsAndExitTwo) {
  ProcessResult r = Verify("item,url\n"
                           "O5\n"                                  // line 2
                           "O99,https://example.org/x.pdf\n"       // line 3
                           "O5,javascript:alert(1)\n"              // line 4
                           "O5,https://example.org/a.pdf,extra\n"  // line 5
                           "O5,https://example.org/ok.pdf\n");
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  std::string csv = dir_ + "/submissions.csv";
  EXPECT_NE(r.err.find(csv + ":2: expected 2 columns"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(csv + ":3: unknown item 'O99'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(csv + ":4: 'javascript:alert(1)' is not an absolute http(s) URL"),
            std::string::npos) << r.err;
  EXPECT_NE(r.err.find(csv + ":5: expected 2 columns (item,url), got 3"),
            std::string::npos) << r.err;
  EXPECT_EQ(server_.requests().size(), 0u);  // nothing fetched
}

TEST_F(VerifyTest, MissingHeaderAndUnknownSiteAreUsageErrors) {
  ProcessResult r = Verify("O5,https://example.org/x.pdf\n");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("submissions.csv:1: the first row must be the header item,url"),
            std::string::npos) << r.err;
  r = RunProcess({OITWATCH_BINARY, "verify", "--site", "nosuch", "--submissions",
                  dir_ + "/submissions.csv", "--sites", sites_, "--rules", Rules()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no site with id 'nosuch'"), std::string::npos) << r.err;
}

// ParseSubmissions directly: table of malformed inputs and their messages.
// A24 in verify as in run: a submitted URL that redirects to a port off the
// allow-list is a problem (the redirect is refused, nothing reaches the
// port); --allow-port lets it through.
TEST_F(VerifyTest, RedirectToAnOddPortIsRefusedUnlessAllowed) {
  TestServer odd;  // loopback (allowed address), a port nobody named
  ASSERT_TRUE(odd.Start());
  const std::string pdf = std::string(kFiles) + "2568/Action_Plan_2568.pdf";
  odd.Route(pdf, Pdf("Action plan FY 2568"));
  server_.Route("/laksi/plan", TestResponse{302, "text/html", "",
                                            {{"Location", odd.url(pdf)}}});
  const std::string csv = "item,url\nO5," + Url("/laksi/plan") + "\n";

  ProcessResult refused = Verify(csv);
  EXPECT_EQ(refused.exit_code, 4) << refused.out << refused.err;
  EXPECT_NE(Line(refused, "O5").find("refused port"), std::string::npos)
      << refused.out;
  EXPECT_EQ(odd.hits(pdf), 0) << "nothing reaches the odd port";

  ProcessResult allowed =
      Verify(csv, {"--allow-port", std::to_string(odd.port())});
  EXPECT_EQ(odd.hits(pdf), 1);
  EXPECT_EQ(Line(allowed, "O5").find("refused port"), std::string::npos)
      << allowed.out;
}

TEST_F(VerifyTest, BadAllowPortIsAUsageError) {
  for (const char* bad : {"0", "70000", "abc"}) {
    ProcessResult r = Verify("item,url\nO5," + Url("/laksi/") + "\n",
                             {"--allow-port", bad});
    EXPECT_EQ(r.exit_code, 2) << bad;
    EXPECT_NE(r.err.find("expected a port number 1-65535"), std::string::npos)
        << r.err;
  }
}

TEST(ParseSubmissionsTest, BadRowsNameFileAndLine) {
  RuleSet rules;
  std::string err;
  ASSERT_TRUE(LoadRuleSet(Rules(), &rules, &err)) << err;
  struct Case {
    const char* csv;
    const char* message;
  } cases[] = {
      {"", "f.csv:1: the first row must be the header item,url"},
      {"item,link\nO1,https://h/x\n", "f.csv:1: the first row must be the header"},
      {"item,url\n", "f.csv:1: no submissions"},
      {"item,url\nO1,\"https://h/x\n", "f.csv:2: unterminated quoted field"},
      {"item,url\nO1,\"https://h/x\"junk\n", "f.csv:2: text after a closing quote"},
      {"item,url\nO1,ftp://h/x\n", "f.csv:2: 'ftp://h/x' is not an absolute http(s) URL"},
      {"item,url\nO1,/relative/x.pdf\n", "f.csv:2: '/relative/x.pdf' is not"},
      {"item,url\nO1,https://h/\xff\n", "f.csv:2: not valid UTF-8"},
      {"item,url\n\nO23,https://h/x\n", "f.csv:3: unknown item 'O23' (the rule set has O1-O22)"},
  };
  for (const Case& c : cases) {
    std::vector<Submission> out;
    EXPECT_FALSE(ParseSubmissions("f.csv", c.csv, rules, &out, &err)) << c.csv;
    EXPECT_NE(err.find(c.message), std::string::npos) << c.csv << "\n" << err;
  }
}

TEST(ParseSubmissionsTest, AcceptsBomQuotesAndCaseAndNormalisesUrls) {
  RuleSet rules;
  std::string err;
  ASSERT_TRUE(LoadRuleSet(Rules(), &rules, &err)) << err;
  std::vector<Submission> out;
  ASSERT_TRUE(ParseSubmissions(
      "f.csv", "\xEF\xBB\xBF Item , URL \r\n o15 ,\"HTTPS://Example.org/a b.pdf\"\r\n",
      rules, &out, &err)) << err;
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].item_id, "O15");
  EXPECT_EQ(out[0].line, 2);
  EXPECT_EQ(out[0].url.rfind("https://example.org/a", 0), 0u) << out[0].url;
}

}  // namespace
}  // namespace oitwatch
