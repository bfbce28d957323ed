// rt8pipe BUG-5: a Last-Modified later than the fetch (a server clock or a
// file date gone wrong: 2033) must be neither kept nor sent back as
// If-Modified-Since. A server that compares If-Modified-Since naively
// (later than the file's date: 304) would otherwise answer 304 to a page
// that changed, and last night's rows would be re-used: a false pass.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "crawler/fetcher.h"
#include "tests/test_fetch.h"
#include "tests/test_html.h"
#include "tests/test_pdf.h"
#include "tests/test_process.h"
#include "tests/test_report_json.h"
#include "tests/test_server.h"

namespace oitwatch {
namespace {

using nlohmann::json;

const char kFuture[] = "Sat, 01 Jan 2033 00:00:00 GMT";
const char kPast[] = "Wed, 01 Jan 2025 00:00:00 GMT";
// 2025-06-01 00:00:00 UTC
constexpr int64_t kJune2025 = 1748736000;

TEST(UsableLastModifiedTest, OnlyAnHttpDateNoLaterThanTheFetch) {
  EXPECT_TRUE(UsableLastModified(kPast, kJune2025));
  EXPECT_TRUE(UsableLastModified("Sun, 01 Jun 2025 00:00:00 GMT", kJune2025));
  EXPECT_FALSE(UsableLastModified("Sun, 01 Jun 2025 00:00:01 GMT", kJune2025));
  EXPECT_FALSE(UsableLastModified(kFuture, kJune2025));
  // The obsolete forms RFC 9110 5.6.7 still asks a recipient to read.
  EXPECT_TRUE(
      UsableLastModified("Wednesday, 01-Jan-25 00:00:00 GMT", kJune2025));
  EXPECT_TRUE(UsableLastModified("Wed Jan  1 00:00:00 2025", kJune2025));
  EXPECT_FALSE(UsableLastModified("Sat Jan  1 00:00:00 2033", kJune2025));
  // Not a date: nothing a server would compare safely.
  EXPECT_FALSE(UsableLastModified("", kJune2025));
  EXPECT_FALSE(UsableLastModified("yesterday", kJune2025));
  EXPECT_FALSE(
      UsableLastModified("Wed, 01 Jan 2025 00:00:00 GMT junk", kJune2025));
}

// The fetcher drops a Last-Modified later than now, or later than the
// response's own Date (the server's clock), and keeps a good one.
TEST(UsableLastModifiedTest, TheFetcherKeepsOnlyAPastLastModified) {
  TestServer server;
  server.Route(
      "/future",
      TestResponse{200, "text/html", "<p>x</p>", {{"Last-Modified", kFuture}}});
  server.Route(
      "/past",
      TestResponse{200, "text/html", "<p>x</p>", {{"Last-Modified", kPast}}});
  server.Route("/after-date",
               TestResponse{200,
                            "text/html",
                            "<p>x</p>",
                            {{"Last-Modified", "Thu, 02 Jan 2025 00:00:00 GMT"},
                             {"Date", kPast}}});
  ASSERT_TRUE(server.Start());
  Request r;
  r.kind = RequestKind::kPage;
  r.url = server.url("/future");
  EXPECT_EQ(FetchToEnd(LoopbackFetcherOptions(), r).last_modified, "");
  r.url = server.url("/past");
  EXPECT_EQ(FetchToEnd(LoopbackFetcherOptions(), r).last_modified, kPast);
  r.url = server.url("/after-date");
  EXPECT_EQ(FetchToEnd(LoopbackFetcherOptions(), r).last_modified, "");
}

std::string A(const std::string& href, const std::string& text) {
  return "<a href=\"" + href + "\">" + text + "</a> ";
}

const char kPolicy[] =
    "ประกาศนโยบายต่อต้านการรับสินบน (Anti-Bribery Policy) ประจำปี 2568";
const char kReport[] = "รายงานผลการดำเนินการตามนโยบายต่อต้านการรับสินบน ประจำปี 2568";

// District "d": its ITA index page links O18's policy and report on night
// 1 with Last-Modified `index_date` and no ETag. From night 2 the index no
// longer links them, and the server answers a conditional request the way
// a naive one does: If-Modified-Since later than its file's date, 304.
class FutureLastModifiedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.Route(
        "/d/", TestResponse{200,
                            "text/html; charset=utf-8",
                            Html("สำนักงานเขตดี",
                                 A("/d/ita", "ITA การเปิดเผยข้อมูลสาธารณะ (OIT)")),
                            {}});
    for (const char* pdf : {"/d/f/ann2568.pdf", "/d/f/rep2568.pdf"}) {
      server_.Route(
          pdf, TestResponse{
                   200, "application/pdf", MakeSimplePdf("document 2568"), {}});
    }
    server_.Route("/d/ita", [this](const TestRequest& request) {
      auto ims = request.headers.find("if-modified-since");
      if (ims != request.headers.end()) {
        std::lock_guard<std::mutex> lock(mu_);
        ims_.push_back(ims->second);
      }
      if (night_ == 1) {
        return TestResponse{200,
                            "text/html; charset=utf-8",
                            Html("ITA", A("/d/f/ann2568.pdf", kPolicy) +
                                            A("/d/f/rep2568.pdf", kReport)),
                            {{"Last-Modified", index_date_}}};
      }
      // Changed this morning; a naive server compares the dates as sent.
      if (ims != request.headers.end() && ims->second == index_date_) {
        return TestResponse{304, "text/html", "", {}};
      }
      return TestResponse{
          200, "text/html; charset=utf-8", Html("ITA", "<p>ว่าง</p>"), {}};
    });
    ASSERT_TRUE(server_.Start());
    dir_ = MakeTempDir();
    ASSERT_TRUE(
        WriteFile(dir_ + "/sites.yaml", OneSiteYaml(server_.url("/d/"))));
  }

  json Run() {
    const ProcessResult r =
        RunProcess(LoopbackRunArgs(dir_ + "/sites.yaml", dir_ + "/o.db",
                                   {"--timeout-ms", "5000"}),
                   120);
    EXPECT_FALSE(r.timed_out);
    return ReportSite(ParseReport(r.out, r.err), "d");
  }

  static std::string O18(const json& d) {
    return ReportItem(d, "O18").value("status", "");
  }

  TestServer server_;
  std::string dir_;
  std::string index_date_ = kFuture;
  std::atomic<int> night_{1};
  std::mutex mu_;
  std::vector<std::string> ims_;  // If-Modified-Since of each index request
};

TEST_F(FutureLastModifiedTest, AFutureDateIsNotSentBack) {
  ASSERT_EQ(O18(Run()), "pass");
  night_ = 2;
  const json d = Run();
  std::lock_guard<std::mutex> lock(mu_);
  EXPECT_TRUE(ims_.empty()) << ims_.front();
  EXPECT_EQ(O18(d), "missing") << d.dump();
}

// A database written before this fix holds the future date: it is not sent
// either.
TEST_F(FutureLastModifiedTest, AStoredFutureDateIsNotSentBack) {
  ASSERT_EQ(O18(Run()), "pass");
  {
    SQLite::Database db(dir_ + "/o.db", SQLite::OPEN_READWRITE);
    SQLite::Statement q(db,
                        "UPDATE pages SET last_modified = ? "
                        "WHERE url LIKE '%/d/ita'");
    q.bind(1, kFuture);
    ASSERT_EQ(q.exec(), 1);
  }
  night_ = 2;
  const json d = Run();
  std::lock_guard<std::mutex> lock(mu_);
  EXPECT_TRUE(ims_.empty()) << ims_.front();
  EXPECT_EQ(O18(d), "missing") << d.dump();
}

// A date in the past is kept and sent: the conditional re-crawl goes on.
TEST_F(FutureLastModifiedTest, APastDateIsSentBack) {
  index_date_ = kPast;
  ASSERT_EQ(O18(Run()), "pass");
  night_ = 2;
  Run();
  std::lock_guard<std::mutex> lock(mu_);
  ASSERT_EQ(ims_.size(), 1u);
  EXPECT_EQ(ims_[0], kPast);
}

}  // namespace
}  // namespace oitwatch
