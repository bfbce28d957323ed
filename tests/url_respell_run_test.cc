// Red team rt7budget P09 end to end, over two nights on one database: an
// escaped unreserved character ("/d/%69nfo") is the character itself,
// so both spellings are one page, fetched once a night. A database written
// by a version that kept such escapes still serves the next night: the URL
// stored as "/d/%69nfo" is found for "/d/info" (asked for
// conditionally, its 304 re-uses the stored hits and links), and the new
// night's rows are stored as spelled now. The real binary, a loopback
// server that honours If-None-Match, real SQLite files.
//
// Night 1 here is run by this version, then its rows are respelled as the
// version before would have written them (OldSpelling: pages, hits, dates,
// evidence and the links blob). On the version before, both tests fail:
// the page is fetched twice when linked under both spellings
// (TwoSpellingsOfOnePageAreOneRequest), and night 2's row keeps the old
// spelling (an unchanged start page replays it).
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "storage/links_blob.h"
#include "tests/test_html.h"
#include "tests/test_process.h"
#include "tests/test_report_json.h"
#include "tests/test_server.h"

namespace oitwatch {
namespace {

using nlohmann::json;

const char kInfo[] = "/d/info";
const char kOldInfo[] = "/d/%69nfo";  // as the version before stored it

// Each path's body with an ETag of its own; a matching If-None-Match gets
// a 304. Counts the requests of each path and the conditional ones.
class EtagSite {
 public:
  explicit EtagSite(TestServer* server) : server_(server) {}

  void Put(const std::string& path, const std::string& body,
           const std::string& etag) {
    server_->Route(path, [body, etag](const TestRequest& req) {
      auto inm = req.headers.find("if-none-match");
      if (inm != req.headers.end() && inm->second == etag) {
        return TestResponse{304, "", "", {{"ETag", etag}}};
      }
      return TestResponse{
          200, "text/html; charset=utf-8", body, {{"ETag", etag}}};
    });
  }

  // Requests for `path` (decoded: "/d/%69nfo" is "/d/info") and how
  // many of them were conditional.
  std::pair<int, int> Requests(const std::string& path) const {
    int all = 0, conditional = 0;
    for (const TestRequest& req : server_->requests()) {
      if (req.path != path) continue;
      ++all;
      conditional += req.headers.count("if-none-match") > 0 ? 1 : 0;
    }
    return {all, conditional};
  }

 private:
  TestServer* server_;
};

std::string Home(const std::string& links) {
  return Html("สำนักงานเขตดี", "<h1>สำนักงานเขตดี</h1>" + links);
}

class UrlRespellRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.Route("/robots.txt", TestResponse{200, "text/plain", "", {}});
    // O3's evidence is the page's own title: a night that re-uses the page
    // passes O3 only if its stored hits are carried over.
    site_.Put(kInfo,
              Html("รายชื่อโรงเรียนสังกัดกรุงเทพมหานคร",
                   "<h1>รายชื่อโรงเรียนสังกัดกรุงเทพมหานครในพื้นที่เขต</h1>"
                   "<p>โรงเรียนวัดทดสอบ</p>"
                   "<p>ปรับปรุงข้อมูล ณ วันที่ 1 พฤศจิกายน 2567</p>"),
              "\"info-1\"");
    site_.Put("/d/",
              Home("<a href=\"" + std::string(kOldInfo) + "\">ข้อมูลเขต</a>"),
              "\"home-1\"");
    ASSERT_TRUE(server_.Start());
    dir_ = MakeTempDir();
    ASSERT_TRUE(
        WriteFile(dir_ + "/sites.yaml", OneSiteYaml(server_.url("/d/"))));
  }

  json Night() {
    const ProcessResult r =
        RunProcess(LoopbackRunArgs(dir_ + "/sites.yaml", db(),
                                   {"--timeout-ms", "5000", "--no-alerts"}),
                   120);
    EXPECT_FALSE(r.timed_out);
    return ReportSite(ParseReport(r.out, r.err), "d");
  }

  std::string db() const { return dir_ + "/o.db"; }

  // Rewrites every stored spelling of `now` as `old`, as the version that
  // kept escaped unreserved characters stored its URLs.
  void OldSpelling(const std::string& now, const std::string& old) {
    SQLite::Database db(this->db(), SQLite::OPEN_READWRITE);
    const std::string a = server_.url(now), b = server_.url(old);
    for (const char* sql :
         {"UPDATE pages SET url = replace(url, ?1, ?2), found_on = "
          "replace(found_on, ?1, ?2)",
          "UPDATE hits SET url = replace(url, ?1, ?2), found_on = "
          "replace(found_on, ?1, ?2)",
          "UPDATE url_dates SET url = replace(url, ?1, ?2)",
          "UPDATE item_evidence SET url = replace(url, ?1, ?2), found_on = "
          "replace(found_on, ?1, ?2)"}) {
      SQLite::Statement q(db, sql);
      q.bind(1, a);
      q.bind(2, b);
      q.exec();
    }
    SQLite::Statement rows(db, "SELECT page_id, data FROM page_links");
    std::vector<std::pair<int64_t, std::string>> blobs;
    while (rows.executeStep()) {
      std::vector<LinkRecord> links;
      std::string err;
      const SQLite::Column data = rows.getColumn(1);
      ASSERT_TRUE(
          DecodeLinks(std::string_view(static_cast<const char*>(data.getBlob()),
                                       data.getBytes()),
                      &links, &err))
          << err;
      for (LinkRecord& link : links) {
        if (link.to_url == a) link.to_url = b;
      }
      blobs.emplace_back(rows.getColumn(0).getInt64(), EncodeLinks(links));
    }
    for (const auto& [id, blob] : blobs) {
      SQLite::Statement q(db,
                          "UPDATE page_links SET data = ? WHERE page_id = ?");
      q.bind(1, blob.data(), static_cast<int>(blob.size()));
      q.bind(2, id);
      q.exec();
    }
  }

  // The URLs of site d's pages saved in `run`, with their outcomes.
  std::vector<std::pair<std::string, std::string>> Pages(int run) {
    SQLite::Database db(this->db());
    SQLite::Statement q(db,
                        "SELECT url, outcome FROM pages WHERE run_id = ? AND "
                        "kind = 'page' ORDER BY url");
    q.bind(1, run);
    std::vector<std::pair<std::string, std::string>> pages;
    while (q.executeStep()) {
      pages.emplace_back(q.getColumn(0).getString(),
                         q.getColumn(1).getString());
    }
    return pages;
  }

  // Night 1, stored as the version before would have stored it.
  void OldNight() {
    const json d = Night();
    ASSERT_EQ(ReportItem(d, "O3").value("status", ""), "pass") << d.dump();
    o3_evidence_ = ReportItem(d, "O3")["evidence"];
    ASSERT_EQ(o3_evidence_.size(), 1u) << o3_evidence_.dump();
    ASSERT_EQ(o3_evidence_[0].value("date", ""), "2024-11-01")
        << "the page's own date";
    ASSERT_EQ(site_.Requests(kInfo).first, 1);
    OldSpelling(kInfo, kOldInfo);
    ASSERT_EQ(Pages(1),
              (std::vector<std::pair<std::string, std::string>>{
                  {server_.url("/d/"), "ok"}, {server_.url(kOldInfo), "ok"}}));
  }

  TestServer server_;
  EtagSite site_{&server_};
  std::string dir_;
  json o3_evidence_;  // night 1's
};

// Night 2, nothing changed: the start page's 304 replays its stored link
// "/d/%69nfo", which is "/d/info" now; that URL's earlier fetch is
// found under the old spelling and asked for conditionally; its 304 carries
// the stored title hit (O3 passes) and the row is saved as spelled now.
TEST_F(UrlRespellRunTest, AnOldDatabasesSpellingIsFoundAndCarriedOver) {
  OldNight();
  const json d = Night();
  EXPECT_EQ(site_.Requests(kInfo), std::make_pair(2, 1))
      << "night 2 asks for it once, conditionally";
  EXPECT_EQ(Pages(2), (std::vector<std::pair<std::string, std::string>>{
                          {server_.url("/d/"), "not_modified"},
                          {server_.url(kInfo), "not_modified"}}));
  EXPECT_EQ(ReportItem(d, "O3").value("status", ""), "pass") << d.dump();
  EXPECT_EQ(ReportItem(d, "O3")["evidence"], o3_evidence_)
      << "the stored title hit and date carried over";
  SQLite::Database db(this->db());
  EXPECT_EQ(
      db.execAndGet("SELECT reused FROM run_sites WHERE run_id = 2").getInt(),
      2);
  // Night 3 reads what night 2 stored, spelled now.
  const json third = Night();
  EXPECT_EQ(site_.Requests(kInfo), std::make_pair(3, 2));
  EXPECT_EQ(ReportItem(third, "O3").value("status", ""), "pass");
}

// Night 2, the start page changed and links the page under both spellings:
// one request, conditional (the old row is found), one row.
TEST_F(UrlRespellRunTest, TwoSpellingsOfOnePageAreOneRequest) {
  OldNight();
  site_.Put("/d/",
            Home("<a href=\"" + std::string(kOldInfo) +
                 "\">ข้อมูลเขต</a>"
                 "<a href=\"" +
                 std::string(kInfo) +
                 "\">โรงเรียน</a>"
                 "<a href=\"/d/%7Enews\">ข่าว</a><a href=\"/d/~news\">ข่าว</a>"),
            "\"home-2\"");
  site_.Put("/d/~news", Html("ข่าว", "<p>ข่าวประชาสัมพันธ์</p>"), "\"news-1\"");
  const json d = Night();
  EXPECT_EQ(site_.Requests(kInfo), std::make_pair(2, 1));
  EXPECT_EQ(site_.Requests("/d/~news").first, 1);
  EXPECT_EQ(Pages(2), (std::vector<std::pair<std::string, std::string>>{
                          {server_.url("/d/"), "ok"},
                          {server_.url(kInfo), "not_modified"},
                          {server_.url("/d/~news"), "ok"}}));
  EXPECT_EQ(ReportItem(d, "O3").value("status", ""), "pass") << d.dump();
}

}  // namespace
}  // namespace oitwatch
