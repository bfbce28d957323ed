// Incremental nightly re-crawl: the real `oitwatch` binary crawls a small Thai
// district fixture twice (or three times). URLs fetched in an earlier run are
// asked for conditionally (If-None-Match / If-Modified-Since); a 304, or the
// same bytes from a server that ignores conditionals, re-uses the earlier
// fetch's links, hits and dates with their original capture time instead of
// parsing again — and the verdicts stay exactly the same.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/test_html.h"
#include "tests/test_pdf.h"
#include "tests/test_process.h"
#include "tests/test_server.h"

namespace oitwatch {
namespace {

using nlohmann::json;

// A district site whose every response carries an ETag and a Last-Modified,
// and answers 304 to a matching conditional request unless told to ignore
// conditionals. Counts what it sent.
class ConditionalSite {
 public:
  enum class Mode { kHonour, kIgnore };

  explicit ConditionalSite(TestServer* server) : server_(server) {
    const std::string files = "/public/user_files_editor/41/ITA/2568/";
    Put("/laksi/", "text/html; charset=utf-8",
        Html("สำนักงานเขตหลักสี่",
             "<a href=\"/laksi/ita\">ITA การเปิดเผยข้อมูลสาธารณะ</a> "
             "<a href=\"/laksi/news\">ข่าวประชาสัมพันธ์</a>"
             "<h1>สำนักงานเขตหลักสี่</h1>"));
    Put("/laksi/news", "text/html",
        Html("ข่าว", "<p>ประชุมประจำเดือน</p><a href=\"/laksi/\">หน้าหลัก</a>"));
    Put("/laksi/ita", "text/html",
        Html("ITA",
             "<h1>การเปิดเผยข้อมูลสาธารณะ (OIT) ประจำปีงบประมาณ พ.ศ. 2568</h1>"
             "<a href=\"" + files + "Action_Plan_2568.pdf\">O5 แผนปฏิบัติราชการ"
             "ประจำปี พ.ศ. 2568</a> <a href=\"" + files + "Report_2567.pdf\">O5 "
             "รายงานผลการปฏิบัติราชการประจำปี พ.ศ. 2567</a> <a href=\"" + files +
             "Budget_Plan_2567.pdf\">O13 แผนการใช้จ่ายงบประมาณประจำปี พ.ศ. 2567"
             "</a> <a href=\"" + files + "AntiBribery_2568.pdf\">O18 ประกาศนโยบาย"
             "ต่อต้านการรับสินบน ประจำปี 2568</a>"));
    Put(files + "Action_Plan_2568.pdf", "application/pdf",
        MakeSimplePdf("Action plan FY 2568"));
    Put(files + "Report_2567.pdf", "application/pdf",
        MakeSimplePdf("Performance report FY 2567"));
    Put(files + "Budget_Plan_2567.pdf", "application/pdf",
        MakeSimplePdf("Spending plan FY 2567"));
    // AntiBribery_2568.pdf is not routed: a broken link (404) both nights.
    server_->Route("/robots.txt", TestResponse{200, "text/plain", "", {}});
  }

  void set_mode(Mode mode) { mode_ = mode; }

  // Replaces a path's body; its ETag changes with it.
  void Put(const std::string& path, const std::string& type,
           const std::string& body) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      Entry& e = entries_[path];
      e.type = type;
      e.body = body;
      e.etag = "\"v" + std::to_string(++version_) + "\"";
    }
    server_->Route(path, [this, path](const TestRequest& req) {
      return Serve(path, req);
    });
  }

  // The body served at `url` (scheme and host ignored), "" if none.
  std::string Body(const std::string& url) {
    const size_t host = url.find("://");
    const size_t path = url.find('/', host == std::string::npos ? 0 : host + 3);
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(path == std::string::npos ? "/" : url.substr(path));
    return it == entries_.end() ? "" : it->second.body;
  }

  int count_304() const { return count_304_; }
  int count_200() const { return count_200_; }
  int conditional() const { return conditional_; }
  void ResetCounts() { count_304_ = count_200_ = conditional_ = 0; }

 private:
  struct Entry {
    std::string type, body, etag;
  };

  TestResponse Serve(const std::string& path, const TestRequest& req) {
    Entry e;
    {
      std::lock_guard<std::mutex> lock(mu_);
      e = entries_[path];
    }
    const char* kLastModified = "Wed, 01 Jan 2025 00:00:00 GMT";
    auto inm = req.headers.find("if-none-match");
    auto ims = req.headers.find("if-modified-since");
    if (inm != req.headers.end() || ims != req.headers.end()) ++conditional_;
    if (mode_ == Mode::kHonour && inm != req.headers.end() &&
        inm->second == e.etag) {
      ++count_304_;
      return TestResponse{304, "", "", {{"ETag", e.etag}}};
    }
    ++count_200_;
    return TestResponse{200, e.type, e.body,
                        {{"ETag", e.etag}, {"Last-Modified", kLastModified}}};
  }

  TestServer* server_;
  std::mutex mu_;
  std::map<std::string, Entry> entries_;
  int version_ = 0;
  std::atomic<Mode> mode_{Mode::kHonour};
  std::atomic<int> count_304_{0}, count_200_{0}, conditional_{0};
};

class IncrementalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.Start());
    dir_ = MakeTempDir();
    sites_ = dir_ + "/sites.yaml";
    ASSERT_TRUE(WriteFile(sites_,
        "sites:\n  - id: laksi\n    name: สำนักงานเขตหลักสี่\n"
        "    name_en: Lak Si\n    url: " + server_.url("/laksi/") + "\n"));
  }

  // `exit_code`: 4 on a night on which some items could not be checked.
  json Run(int exit_code = 0) {
    ProcessResult r = RunProcess(
        {OITWATCH_BINARY, "run", "--sites", sites_, "--rules",
         std::string(OITWATCH_SOURCE_DIR) +
             "/config/rules/bma-district-2568.yaml",
         "--db", db(), "--as-of", "2025-04-10", "--host-delay-ms", "0",
         "--host-connections", "2", "--allow-address", "127.0.0.1",
         "--timeout-ms", "5000", "--format", "json", "--quiet"},
        120);
    EXPECT_EQ(r.exit_code, exit_code) << r.err;
    json report = json::parse(r.out, nullptr, false);
    EXPECT_FALSE(report.is_discarded()) << r.out;
    return report;
  }

  std::string db() const { return dir_ + "/o.db"; }

  // parsed, reused of the site in `run`.
  std::pair<int, int> ParsedReused(int run) {
    SQLite::Database db(this->db());
    SQLite::Statement q(db,
                        "SELECT parsed, reused FROM run_sites WHERE "
                        "run_id = ? AND site_id = 'laksi'");
    q.bind(1, run);
    if (!q.executeStep()) return {-1, -1};
    return {q.getColumn(0).getInt(), q.getColumn(1).getInt()};
  }

  // url -> {outcome, captured_at, fetched_at} of the pages of `run`.
  std::map<std::string, std::vector<std::string>> Pages(int run) {
    SQLite::Database db(this->db());
    SQLite::Statement q(db,
                        "SELECT url, outcome, captured_at, fetched_at FROM "
                        "pages WHERE run_id = ? AND kind IN ('page', "
                        "'document')");
    q.bind(1, run);
    std::map<std::string, std::vector<std::string>> pages;
    while (q.executeStep()) {
      pages[q.getColumn(0).getString()] = {q.getColumn(1).getString(),
                                           q.getColumn(2).getString(),
                                           q.getColumn(3).getString()};
    }
    return pages;
  }

  static const json& Items(const json& report) {
    return report["sites"][0]["items"];
  }

  TestServer server_;
  ConditionalSite site_{&server_};
  std::string dir_, sites_;
};

TEST_F(IncrementalTest, UnchangedSiteIsRevalidatedWith304sAndNotReparsed) {
  json first = Run();
  auto [parsed1, reused1] = ParsedReused(1);
  EXPECT_GE(parsed1, 6) << "3 pages + 3 PDFs parsed in the first run";
  EXPECT_EQ(reused1, 0);
  EXPECT_EQ(site_.conditional(), 0) << "nothing is known before run 1";
  site_.ResetCounts();

  json second = Run();
  EXPECT_EQ(site_.count_200(), 0) << "every known URL answered 304";
  EXPECT_EQ(site_.count_304(), 6);
  EXPECT_EQ(site_.conditional(), 6)
      << "every page and document seen before is asked for conditionally";
  auto [parsed2, reused2] = ParsedReused(2);
  EXPECT_EQ(parsed2, 0) << "nothing new is parsed";
  EXPECT_EQ(reused2, 6);
  EXPECT_EQ(Items(second), Items(first))
      << "same verdicts and evidence as the first run";
  EXPECT_EQ(Items(second)[4]["status"], "pass") << Items(second)[4].dump(2);
}

TEST_F(IncrementalTest, ReusedPagesKeepTheirOriginalCaptureTime) {
  Run();
  auto before = Pages(1);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  Run();
  Run();
  auto after = Pages(3);
  ASSERT_EQ(after.size(), before.size());
  for (const auto& [url, row] : after) {
    ASSERT_TRUE(before.count(url)) << url;
    const bool broken = url.find("AntiBribery") != std::string::npos;
    EXPECT_EQ(row[0], broken ? "http_error" : "not_modified") << url;
    if (broken) continue;
    EXPECT_EQ(row[1], before[url][1])
        << url << ": captured_at must stay the first capture";
    EXPECT_NE(row[2], before[url][2]) << url << ": fetched_at is tonight's";
  }
}

TEST_F(IncrementalTest, ServerIgnoringConditionalsIsReusedByContentHash) {
  site_.set_mode(ConditionalSite::Mode::kIgnore);
  json first = Run();
  site_.ResetCounts();
  json second = Run();
  EXPECT_EQ(site_.count_304(), 0);
  EXPECT_EQ(site_.count_200(), 6);
  auto [parsed, reused] = ParsedReused(2);
  EXPECT_EQ(parsed, 0) << "same bytes: re-used, not re-parsed";
  EXPECT_EQ(reused, 6);
  EXPECT_EQ(Items(second), Items(first));
}

// A database written before the hash became XXH3 holds FNV-1a 64 hashes (16
// hex digits): the first run after the upgrade still re-uses same bytes.
TEST_F(IncrementalTest, HashesOfAnOlderVersionStillRecogniseSameBytes) {
  site_.set_mode(ConditionalSite::Mode::kIgnore);
  json first = Run();
  {
    SQLite::Database db(this->db(), SQLite::OPEN_READWRITE);
    SQLite::Statement q(db, "SELECT id, url FROM pages WHERE run_id = 1 AND "
                            "content_hash != '' AND outcome = 'ok'");
    std::vector<std::pair<int64_t, std::string>> rows;
    while (q.executeStep()) {
      rows.emplace_back(q.getColumn(0).getInt64(), q.getColumn(1).getString());
    }
    ASSERT_EQ(rows.size(), 6u);
    for (const auto& [id, url] : rows) {
      const std::string body = site_.Body(url);
      ASSERT_FALSE(body.empty()) << url;
      uint64_t h = 1469598103934665603ull;  // FNV-1a 64
      for (unsigned char c : body) {
        h ^= c;
        h *= 1099511628211ull;
      }
      char hex[17];
      std::snprintf(hex, sizeof hex, "%016llx",
                    static_cast<unsigned long long>(h));
      SQLite::Statement u(db, "UPDATE pages SET content_hash = ? WHERE id = ?");
      u.bind(1, std::string(hex));
      u.bind(2, id);
      u.exec();
    }
  }
  json second = Run();
  auto [parsed, reused] = ParsedReused(2);
  EXPECT_EQ(parsed, 0) << "same bytes under an old-style hash: re-used";
  EXPECT_EQ(reused, 6);
  EXPECT_EQ(Items(second), Items(first));
  // A re-use carries the earlier fetch's hash (CarryContent): the next night
  // compares against the old-style hash again and still re-uses.
  json third = Run();
  auto [parsed3, reused3] = ParsedReused(3);
  EXPECT_EQ(parsed3, 0);
  EXPECT_EQ(reused3, 6);
  EXPECT_EQ(Items(third), Items(first));
}

// A page's stored links that no longer decode (a corrupt page_links row) are
// not re-used: the page comes in full and is read afresh, the verdicts stay,
// and the night after re-uses the new copy (no permanent false "missing").
TEST_F(IncrementalTest, CorruptStoredLinksAreReadAfreshNotLost) {
  json first = Run();
  {
    SQLite::Database db(this->db(), SQLite::OPEN_READWRITE);
    SQLite::Statement q(db,
                        "UPDATE page_links SET data = x'DEADBEEF00' WHERE "
                        "page_id IN (SELECT id FROM pages WHERE run_id = 1 AND "
                        "url LIKE '%/laksi/ita')");
    ASSERT_EQ(q.exec(), 1);
  }
  site_.ResetCounts();
  json second = Run();
  EXPECT_EQ(Items(second), Items(first)) << "nothing lost";
  EXPECT_EQ(site_.count_200(), 1) << "the ITA page came in full";
  EXPECT_EQ(site_.count_304(), 5);
  auto [parsed2, reused2] = ParsedReused(2);
  EXPECT_EQ(parsed2, 1);
  EXPECT_EQ(reused2, 5);
  json third = Run();
  EXPECT_EQ(Items(third), Items(first));
  auto [parsed3, reused3] = ParsedReused(3);
  EXPECT_EQ(parsed3, 0) << "the fresh copy is re-used";
  EXPECT_EQ(reused3, 6);
}

TEST_F(IncrementalTest, ChangedPageIsParsedAndItsNewLinksFollowed) {
  json first = Run();
  ASSERT_EQ(Items(first)[12]["id"], "O13");
  EXPECT_NE(Items(first)[12]["status"], "pass") << "only a FY2567 plan yet";
  const std::string plan = "/public/user_files_editor/41/ITA/2568/Plan_2568.pdf";
  site_.Put(plan, "application/pdf", MakeSimplePdf("Spending plan FY 2568"));
  site_.Put("/laksi/news", "text/html",
            Html("ข่าว", "<p>ประชุมประจำเดือน</p><a href=\"" + plan +
                             "\">O13 แผนการใช้จ่ายงบประมาณประจำปี พ.ศ. 2568</a>"));
  json second = Run();
  auto [parsed, reused] = ParsedReused(2);
  EXPECT_EQ(parsed, 2) << "the changed page and the new PDF";
  EXPECT_EQ(reused, 5) << "the unchanged ones";
  EXPECT_EQ(server_.hits(plan), 1);
  const json& o13 = Items(second)[12];
  bool plan_seen = false;
  for (const json& e : o13["evidence"]) {
    plan_seen = plan_seen || e["url"] == server_.url(plan);
  }
  EXPECT_TRUE(plan_seen) << "the changed page's new link is credited: "
                         << o13.dump(2);
  for (size_t i = 0; i < Items(first).size(); ++i) {
    if (i == 12 || Items(first)[i]["id"] == "O4") continue;  // news changed
    EXPECT_EQ(Items(second)[i], Items(first)[i]) << "item " << i;
  }
}

// Issue 5: a site that cannot be checked tonight keeps its last known
// evidence and its age visible; its verdicts stay "unchecked".
TEST_F(IncrementalTest, UncheckedSiteShowsLastKnownEvidenceNeverPasses) {
  json first = Run();
  ASSERT_EQ(Items(first)[4]["status"], "pass");
  server_.Route("/laksi/", TestResponse{403, "text/html",
      "<html><head><title>Just a moment...</title></head>cf-chl</html>", {}});
  ProcessResult r = RunProcess(
      {OITWATCH_BINARY, "run", "--sites", sites_, "--rules",
       std::string(OITWATCH_SOURCE_DIR) + "/config/rules/bma-district-2568.yaml",
       "--db", db(), "--as-of", "2025-04-10", "--host-delay-ms", "0",
       "--allow-address", "127.0.0.1", "--format", "json", "--quiet"});
  EXPECT_EQ(r.exit_code, 4) << r.err;
  json second = json::parse(r.out);
  const json& site = second["sites"][0];
  EXPECT_EQ(site["state"], "unchecked");
  EXPECT_TRUE(site["score"].is_null());
  ASSERT_TRUE(site.contains("last_checked")) << site.dump(2);
  EXPECT_EQ(site["last_checked"]["run_id"], 1);
  EXPECT_EQ(site["last_checked"]["finished_at"], first["finished_at"]);
  EXPECT_EQ(site["last_checked"]["score"], first["sites"][0]["score"]);
  for (size_t i = 0; i < Items(first).size(); ++i) {
    const json& item = site["items"][i];
    EXPECT_EQ(item["status"], "unchecked") << "never pass from stale knowledge";
    ASSERT_TRUE(item.contains("last_known")) << item.dump(2);
    EXPECT_EQ(item["last_known"]["status"], Items(first)[i]["status"]);
    EXPECT_EQ(item["last_known"]["evidence"], Items(first)[i]["evidence"]);
  }
  const json& o5 = site["items"][4]["last_known"];
  EXPECT_FALSE(o5["captured_at"].get<std::string>().empty()) << o5.dump(2);

  ProcessResult text = RunProcess({OITWATCH_BINARY, "report", "--db", db()});
  EXPECT_EQ(text.exit_code, 0) << text.err;
  std::string date = first["finished_at"].get<std::string>().substr(0, 10);
  int passed = first["sites"][0]["counts"]["pass"];
  EXPECT_NE(text.out.find("last checked " + date + ": " +
                          std::to_string(passed) + " items passed then"),
            std::string::npos)
      << text.out;
}

// Red-team probe N04: night 2 the ITA index page fails (500) while the start
// page is unchanged (304). O5, a pass last night and reachable only through
// that page, is unchecked with the reason, never `missing`.
TEST_F(IncrementalTest, IndexPageFailingOnTheSecondNightIsUncheckedNotMissing) {
  json first = Run();
  ASSERT_EQ(Items(first)[4]["status"], "pass");
  server_.Route("/laksi/ita", TestResponse{500, "text/html", "boom", {}});
  json second = Run(4);  // items unchecked: not "ok" for cron
  const json& site = second["sites"][0];
  EXPECT_EQ(site["state"], "checked");
  for (const json& item : site["items"]) {
    EXPECT_NE(item["status"], "missing") << item.dump(2);
  }
  const json& o5 = Items(second)[4];
  EXPECT_EQ(o5["status"], "unchecked") << o5.dump(2);
  EXPECT_NE(o5["reason"].get<std::string>().find(
                "crawl incomplete: 1 page could not be fetched, e.g. " +
                server_.url("/laksi/ita") + ": http_error HTTP 500"),
            std::string::npos)
      << o5.dump(2);
}

// Issue 5: an item left unchecked on a checked site (the page that may hold
// its evidence failed) keeps its last known evidence and its age — from the
// newest night in which it was judged, skipping nights it was unchecked too —
// in the JSON, text and HTML reports; the item itself stays unchecked.
TEST_F(IncrementalTest, UncheckedItemOfACheckedSiteKeepsLastKnownEvidence) {
  json first = Run();
  const json& o5_first = Items(first)[4];
  ASSERT_EQ(o5_first["status"], "pass");
  server_.Route("/laksi/ita", TestResponse{500, "text/html", "boom", {}});
  json second = Run(4);  // items unchecked: not "ok" for cron
  json third = Run(4);
  for (const json* night : {&second, &third}) {
    const json& site = (*night)["sites"][0];
    ASSERT_EQ(site["state"], "checked");
    EXPECT_FALSE(site.contains("last_checked")) << "the site was checked";
    const json& o5 = site["items"][4];
    ASSERT_EQ(o5["status"], "unchecked") << o5.dump(2);
    ASSERT_TRUE(o5.contains("last_known")) << o5.dump(2);
    EXPECT_EQ(o5["last_known"]["run_id"], 1) << "night 2 did not judge O5";
    EXPECT_EQ(o5["last_known"]["checked_at"], first["finished_at"]);
    EXPECT_EQ(o5["last_known"]["status"], "pass");
    EXPECT_EQ(o5["last_known"]["evidence"], o5_first["evidence"]);
    EXPECT_FALSE(o5["last_known"]["captured_at"].get<std::string>().empty());
    for (const json& item : site["items"]) {
      EXPECT_EQ(item.contains("last_known"), item["status"] == "unchecked")
          << "only unchecked items carry last_known: " << item.dump(2);
    }
  }
  std::string url = o5_first["evidence"][0]["url"];
  std::string date = first["finished_at"].get<std::string>().substr(0, 10);
  ProcessResult text = RunProcess({OITWATCH_BINARY, "report", "--db", db()});
  EXPECT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("(last known) " + date + " รอบ (run) #1: ผ่าน (pass) · " +
                          url + " [เก็บเมื่อ captured "),
            std::string::npos)
      << text.out;
  std::string html_dir = dir_ + "/html";
  ProcessResult html = RunProcess({OITWATCH_BINARY, "report", "--db", db(),
                                   "--format", "html", "--out", html_dir});
  ASSERT_EQ(html.exit_code, 0) << html.err;
  std::string page = ReadFile(html_dir + "/site-laksi.html");
  size_t o5_at = page.find("id=\"item-O5\"");
  ASSERT_NE(o5_at, std::string::npos) << page.substr(0, 2000);
  size_t known_at = page.find("(last known)", o5_at);
  ASSERT_NE(known_at, std::string::npos) << page.substr(o5_at, 2000);
  EXPECT_LT(known_at, page.find("id=\"item-O6\"", o5_at));
  EXPECT_NE(page.find("Action_Plan_2568.pdf", known_at), std::string::npos);
}

// Red-team probe N05: night 2 the start page comes back 200 with a new
// ETag and binary garbage. The site is unchecked (start page unreadable)
// and keeps last night's evidence with its age.
TEST_F(IncrementalTest, BinaryStartPageOnTheSecondNightKeepsLastKnownEvidence) {
  json first = Run();
  ASSERT_EQ(Items(first)[4]["status"], "pass");
  std::string noise(4000, '\0');
  for (size_t i = 0; i < noise.size(); ++i) {
    noise[i] = static_cast<char>((i * 7919 + 13) % 256);
  }
  site_.Put("/laksi/", "text/html", noise);
  ProcessResult r = RunProcess(
      {OITWATCH_BINARY, "run", "--sites", sites_, "--rules",
       std::string(OITWATCH_SOURCE_DIR) + "/config/rules/bma-district-2568.yaml",
       "--db", db(), "--as-of", "2025-04-10", "--host-delay-ms", "0",
       "--allow-address", "127.0.0.1", "--format", "json", "--quiet"},
      120);
  EXPECT_EQ(r.exit_code, 4) << r.err;
  json second = json::parse(r.out, nullptr, false);
  ASSERT_FALSE(second.is_discarded()) << r.out;
  const json& site = second["sites"][0];
  EXPECT_EQ(site["state"], "unchecked") << site.dump(2).substr(0, 800);
  EXPECT_NE(site["reason"].get<std::string>().find(
                "start page unreadable: binary body"),
            std::string::npos)
      << site["reason"];
  ASSERT_TRUE(site.contains("last_checked")) << site.dump(2).substr(0, 800);
  const json& o5 = site["items"][4];
  EXPECT_EQ(o5["status"], "unchecked");
  ASSERT_TRUE(o5.contains("last_known")) << o5.dump(2);
  EXPECT_EQ(o5["last_known"]["status"], "pass");
  EXPECT_FALSE(o5["last_known"]["captured_at"].get<std::string>().empty());
}


// Red-team probes N5/N5b/N5c (quirk 13): the CMS removes an evidence page
// and the old URL answers with the home page or a login form. Night 1 the
// start page links the O3 schools page, and "หน้าหลัก" (a link to the home
// page through /laksi/index.php, which redirects there); night 2 `change`
// replaces the schools page. A webhook on this server takes the alerts.
class StandInPageTest : public IncrementalTest {
 protected:
  void SetUp() override {
    IncrementalTest::SetUp();
    site_.Put("/laksi/", "text/html; charset=utf-8",
              Html("สำนักงานเขตหลักสี่",
                   "<a href=\"/laksi/index.php\">หน้าหลัก</a> "
                   "<a href=\"/laksi/ita\">ITA การเปิดเผยข้อมูลสาธารณะ</a> "
                   "<a href=\"/laksi/schools\">รายชื่อโรงเรียนสังกัดกรุงเทพมหานคร"
                   "</a><h1>สำนักงานเขตหลักสี่</h1>"));
    site_.Put("/laksi/schools", "text/html; charset=utf-8",
              Html("รายชื่อโรงเรียนสังกัดกรุงเทพมหานคร",
                   "<h1>รายชื่อโรงเรียนสังกัดกรุงเทพมหานครในพื้นที่เขต</h1>"
                   "<p>โรงเรียนวัดหลักสี่</p>"));
    server_.Route("/laksi/index.php",
                  TestResponse{301, "text/html", "", {{"Location", "/laksi/"}}});
    server_.Route("/hook", [this](const TestRequest& req) {
      std::lock_guard<std::mutex> lock(hook_mu_);
      hooks_.push_back(req.body);
      return TestResponse{200, "application/json", "{}", {}};
    });
  }

  json RunWithHook() {
    ProcessResult r = RunProcess(
        {OITWATCH_BINARY, "run", "--sites", sites_, "--rules",
         std::string(OITWATCH_SOURCE_DIR) + "/config/rules/bma-district-2568.yaml",
         "--db", db(), "--as-of", "2025-04-10", "--host-delay-ms", "0",
         "--allow-address", "127.0.0.1", "--timeout-ms", "5000", "--format",
         "json", "--quiet", "--webhook", server_.url("/hook"),
         "--webhook-allow-address", "127.0.0.1"},
        120);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    json report = json::parse(r.out, nullptr, false);
    EXPECT_FALSE(report.is_discarded()) << r.out;
    return report;
  }

  static json Item(const json& report, const std::string& id) {
    for (const json& item : Items(report)) {
      if (item["id"] == id) return item;
    }
    return json::object();
  }

  // Night 1 passes O3; night 2, after `change`, O3 is broken with `why` in
  // its reason and the webhook got the alert.
  void ExpectBrokenOnNightTwo(const std::function<void()>& change,
                              const std::string& why) {
    json first = RunWithHook();
    ASSERT_EQ(Item(first, "O3")["status"], "pass") << Item(first, "O3").dump(2);
    for (const json& item : Items(first)) {  // the home link is no evidence
      EXPECT_EQ(item.dump().find("index.php"), std::string::npos) << item.dump();
    }
    change();
    json second = RunWithHook();
    const json o3 = Item(second, "O3");
    EXPECT_EQ(o3["status"], "broken") << o3.dump(2);
    EXPECT_NE(o3.value("reason", "").find(why), std::string::npos) << o3.dump(2);
    for (const json& item : Items(second)) {
      if (item["id"] == "O3" || item["id"] == "O18") continue;  // O18: a 404
      EXPECT_NE(item["status"], "broken") << item.dump(2);
    }
    std::lock_guard<std::mutex> lock(hook_mu_);
    ASSERT_FALSE(hooks_.empty()) << "night 2 alerts the contacts";
    EXPECT_NE(hooks_.back().find("O3"), std::string::npos) << hooks_.back();
  }

  std::mutex hook_mu_;
  std::vector<std::string> hooks_;
};

TEST_F(StandInPageTest, EvidencePageRedirectingToTheHomePageIsBroken) {
  ExpectBrokenOnNightTwo(
      [this] {
        server_.Route("/laksi/schools", TestResponse{302, "text/html", "",
                                                     {{"Location", "/laksi/"}}});
      },
      "redirects to the home page " + server_.url("/laksi/"));
}

// rt6night BUG-1: the start page answers 304 to any conditional request
// (like Apache comparing If-Modified-Since with its own, older,
// Last-Modified). The schools page's validators must not follow its
// redirect there: that 304 would re-use the schools page's stored copy, a
// false pass.
TEST_F(StandInPageTest, EvidencePageRedirectingToAHomePageAnswering304IsBroken) {
  ExpectBrokenOnNightTwo(
      [this] {
        const std::string home = site_.Body(server_.url("/laksi/"));
        server_.Route("/laksi/", [home](const TestRequest& req) {
          if (req.headers.count("if-none-match") ||
              req.headers.count("if-modified-since")) {
            return TestResponse{304, "", "", {{"ETag", "\"home\""}}};
          }
          return TestResponse{200, "text/html; charset=utf-8", home,
                              {{"ETag", "\"home\""}}};
        });
        server_.Route("/laksi/schools", TestResponse{302, "text/html", "",
                                                     {{"Location", "/laksi/"}}});
      },
      "redirects to the home page " + server_.url("/laksi/"));
}

// The start page is unchanged on night 2 (a 304): the home page's bytes are
// known from the stored copy's hash.
TEST_F(StandInPageTest, EvidencePageShowingTheHomePageIsBroken) {
  ExpectBrokenOnNightTwo(
      [this] {
        server_.Route("/laksi/schools",
                      TestResponse{200, "text/html; charset=utf-8",
                                   site_.Body(server_.url("/laksi/")), {}});
      },
      "shows the home page");
}

// rt6net S05: the home page carries a visitor counter, so the schools URL
// that now shows it has other bytes than the start page (which answers 304
// on night 2: its signature comes from its stored row).
TEST_F(StandInPageTest, EvidencePageShowingTheHomePageWithACounterIsBroken) {
  ExpectBrokenOnNightTwo(
      [this] {
        std::string home = site_.Body(server_.url("/laksi/"));
        home.replace(home.find("<h1>"), 4, "<p>ผู้เข้าชม 123457 คน</p><h1>");
        server_.Route("/laksi/schools",
                      TestResponse{200, "text/html; charset=utf-8", home, {}});
      },
      "shows the home page");
  auto night2 = Pages(2);
  EXPECT_EQ(night2[server_.url("/laksi/")][0], "not_modified");
}

TEST_F(StandInPageTest, EvidencePageShowingALoginPageIsBroken) {
  ExpectBrokenOnNightTwo(
      [this] {
        server_.Route("/laksi/schools",
            TestResponse{200, "text/html; charset=utf-8",
                         Html("เข้าสู่ระบบ - สำนักงานเขตหลักสี่",
                              "<a href=\"/laksi/\">หน้าหลัก</a><h2>เข้าสู่ระบบ"
                              "</h2><form>ชื่อผู้ใช้ <input name=u> รหัสผ่าน "
                              "<input type=\"password\" name=p></form>"),
                         {}});
      },
      "shows a login page");
}

}  // namespace
}  // namespace oitwatch
