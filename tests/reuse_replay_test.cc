// The second night's fast path (issue 5): an unchanged page's links are
// decoded in place (storage LinkList: one buffer, offsets into it) and
// replayed skipping the repeats before any string is made of them
// (LinkMemoMap::find(url, text)); the store look-ups for the URLs it links
// to are made on the parse pool while its rows are read. Each must give what
// the slow path gave: the same links and errors, the same memo, and a copy
// whose links do not decode still not re-used when its look-up came from
// the pool.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "app/facts_table.h"
#include "storage/links_blob.h"
#include "storage/store.h"
#include "tests/test_html.h"
#include "tests/test_process.h"
#include "tests/test_server.h"

namespace oitwatch {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

Pairs OfRecords(const std::vector<LinkRecord>& links) {
  Pairs out;
  for (const LinkRecord& l : links) out.push_back({l.to_url, l.text});
  return out;
}

Pairs OfList(const LinkList& list) {
  Pairs out;
  for (size_t i = 0; i < list.size(); ++i) {
    out.push_back({std::string(list.url(i)), std::string(list.text(i))});
  }
  return out;
}

// A menu long enough to be stored compressed (version 2), and a short one
// stored plain (version 1).
std::vector<LinkRecord> Menu(int n) {
  std::vector<LinkRecord> links;
  for (int i = 0; i < n; ++i) {
    links.push_back({"https://laksi.go.th/page-" + std::to_string(i % 7),
                     i % 5 == 0 ? "" : "เมนู\n" + std::to_string(i)});
  }
  links.push_back({"https://x/", std::string("nul\0in\x01text\xff", 13)});
  return links;
}

TEST(LinkListTest, DecodesTheSameLinksAsRecordsPlainAndCompressed) {
  for (int n : {0, 1, 4, 200}) {
    const std::vector<LinkRecord> links = Menu(n);
    const std::string blob = EncodeLinks(links);
    if (n == 200) {
      ASSERT_EQ(blob[0], '\x02') << "compressed";
    }
    if (n == 4) {
      ASSERT_EQ(blob[0], '\x01') << "plain";
    }
    LinkList list;
    std::string err;
    ASSERT_TRUE(DecodeLinks(blob, &list, &err)) << err;
    EXPECT_EQ(OfList(list), OfRecords(links)) << n << " links";
  }
}

// Every cut and many corruptions of both versions: the compact decode
// accepts exactly what the record decode accepts, with the same error, and
// leaves nothing behind when it refuses.
TEST(LinkListTest, RefusesWhatRecordsRefuseWithTheSameError) {
  std::mt19937 rng(5);
  for (int n : {4, 200}) {
    const std::string good = EncodeLinks(Menu(n));
    std::vector<std::string> bad = {"", "\x03", "\x01\x05"};
    for (size_t cut = 0; cut < good.size(); ++cut) {
      bad.push_back(good.substr(0, cut));
    }
    for (int i = 0; i < 300; ++i) {
      std::string b = good;
      b[rng() % b.size()] = static_cast<char>(rng());
      bad.push_back(b);
    }
    for (const std::string& blob : bad) {
      std::vector<LinkRecord> records;
      std::string records_err;
      const bool records_ok = DecodeLinks(blob, &records, &records_err);
      LinkList list;
      list.bytes = "stale";
      list.spans.push_back({});
      std::string list_err;
      const bool list_ok = DecodeLinks(blob, &list, &list_err);
      ASSERT_EQ(list_ok, records_ok) << records_err;
      if (list_ok) {
        EXPECT_EQ(OfList(list), OfRecords(records));
      } else {
        EXPECT_EQ(list_err, records_err);
        EXPECT_EQ(list.size(), 0u);
        EXPECT_TRUE(list.bytes.empty());
      }
      // The check alone (no records) agrees too.
      std::string check_err;
      EXPECT_EQ(DecodeLinks(blob, static_cast<std::vector<LinkRecord>*>(nullptr),
                            &check_err),
                records_ok);
      EXPECT_EQ(check_err, records_err);
    }
  }
}

TEST(LinkMemoMapTest, FindByUrlAndTextIsFindByKey) {
  SitePools pools;
  LinkMemoMap memos(&pools);
  LinkMemo memo;
  memo.sent_depth = 3;
  memos.emplace("https://a/x\nเมนู", memo);
  memos.emplace("https://a/y\n", memo);
  memos.emplace("https://a/z\nline\nbreak", memo);
  const std::vector<std::pair<std::string, std::string>> asks = {
      {"https://a/x", "เมนู"},      {"https://a/x", "เมนู "},
      {"https://a/y", ""},          {"https://a/x", ""},
      {"https://a/z", "line\nbreak"}, {"https://a/z\nline", "break"},
      {"https://a/q", "เมนู"},      {"", ""}};
  for (const auto& [url, text] : asks) {
    const LinkMemo* by_key = memos.find(url + "\n" + text);
    const LinkMemo* by_parts = memos.find(url, text);
    EXPECT_EQ(by_parts, by_key) << url << " / " << text;
  }
  ASSERT_NE(memos.find("https://a/x", "เมนู"), nullptr);
  EXPECT_EQ(memos.find("https://a/x", "เมนู")->sent_depth, 3);
  // A URL holding a line break is split as its key would be: at the first.
  EXPECT_EQ(memos.find("https://a/z\nline", "break"),
            memos.find("https://a/z", "line\nbreak"));
}

// A site whose pages answer 304 to their own ETag. Counts the 200s and
// 304s of each path.
class EtagSite {
 public:
  explicit EtagSite(TestServer* server) : server_(server) {
    Put("/d/", Html("เขต", "<a href=\"/d/a\">ข่าว</a> <a href=\"/d/b\">ITA "
                           "การเปิดเผยข้อมูลสาธารณะ</a>"));
    Put("/d/a", Html("ข่าว", "<p>ประชุม</p><a href=\"/d/\">หน้าหลัก</a>"));
    Put("/d/b", Html("ITA", "<a href=\"/d/c\">O1 โครงสร้าง</a> <a "
                            "href=\"/d/a\">ข่าว</a>"));
    Put("/d/c", Html("โครงสร้าง", "<p>แผนผังโครงสร้างการแบ่งส่วนราชการ</p>"));
    server_->Route("/robots.txt", TestResponse{200, "text/plain", "", {}});
  }

  int full(const std::string& path) { return full_.at(path); }
  int not_modified(const std::string& path) {
    return not_modified_.at(path);
  }

 private:
  void Put(const std::string& path, const std::string& body) {
    full_[path] = 0;
    not_modified_[path] = 0;
    const std::string etag = "\"e" + std::to_string(full_.size()) + "\"";
    server_->Route(path, [this, path, body, etag](const TestRequest& req) {
      auto inm = req.headers.find("if-none-match");
      if (inm != req.headers.end() && inm->second == etag) {
        ++not_modified_.at(path);
        return TestResponse{304, "", "", {{"ETag", etag}}};
      }
      ++full_.at(path);
      return TestResponse{200, "text/html; charset=utf-8", body,
                          {{"ETag", etag}}};
    });
  }

  TestServer* server_;
  // Paths are all routed before the server answers: the maps never grow
  // while its thread counts.
  std::map<std::string, std::atomic<int>> full_, not_modified_;
};

class PoolLookupRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.Start());
    dir_ = MakeTempDir();
    sites_ = dir_ + "/sites.yaml";
    ASSERT_TRUE(WriteFile(sites_, "sites:\n  - id: d\n    name: เขต\n"
                                  "    name_en: D\n    url: " +
                                      server_.url("/d/") + "\n"));
  }

  // One night with a parse pool of one helper: the look-ups of the URLs an
  // unchanged page links to are made there.
  std::string Run() {
    ProcessResult r = RunProcess(
        {OITWATCH_BINARY, "run", "--sites", sites_, "--rules",
         std::string(OITWATCH_SOURCE_DIR) +
             "/config/rules/bma-district-2568.yaml",
         "--db", db(), "--as-of", "2025-04-10", "--host-delay-ms", "0",
         "--host-connections", "1", "--parse-threads", "1", "--allow-address",
         "127.0.0.1", "--timeout-ms", "5000", "--format", "json", "--quiet"},
        120);
    EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 4) << r.err;
    return r.out;
  }

  std::string db() const { return dir_ + "/o.db"; }

  std::pair<int, int> ParsedReused(int run) {
    SQLite::Database db(this->db());
    SQLite::Statement q(db, "SELECT parsed, reused FROM run_sites WHERE "
                            "run_id = ? AND site_id = 'd'");
    q.bind(1, run);
    if (!q.executeStep()) return {-1, -1};
    return {q.getColumn(0).getInt(), q.getColumn(1).getInt()};
  }

  // The item verdicts of a JSON report ("" if it does not parse).
  static std::string Items(const std::string& report) {
    const nlohmann::json j = nlohmann::json::parse(report, nullptr, false);
    if (j.is_discarded()) return "";
    return j["sites"][0]["items"].dump();
  }

  TestServer server_;
  EtagSite site_{&server_};
  std::string dir_, sites_;
};

TEST_F(PoolLookupRunTest, UnchangedNightIsAll304sAndTheSameVerdicts) {
  const std::string first = Run();
  ASSERT_EQ(ParsedReused(1), std::make_pair(4, 0));
  const std::string second = Run();
  EXPECT_EQ(ParsedReused(2), std::make_pair(0, 4));
  for (const char* path : {"/d/", "/d/a", "/d/b", "/d/c"}) {
    EXPECT_EQ(site_.full(path), 1) << path;
    EXPECT_EQ(site_.not_modified(path), 1) << path;
  }
  EXPECT_EQ(Items(second), Items(first));
  EXPECT_FALSE(Items(first).empty());
}

// /d/b's stored links are corrupt. Its look-up is made on the pool while the
// start page (unchanged, linking to it) is read: the copy is found but its
// links do not decode, so /d/b is asked for without validators, comes in
// full and is read afresh (a 304 would leave nothing to read: the run would
// fail). /d/c, which only /d/b links to, is still found and re-used.
TEST_F(PoolLookupRunTest, CorruptLinksFoundOnThePoolAreNotReused) {
  const std::string first = Run();
  {
    SQLite::Database db(this->db(), SQLite::OPEN_READWRITE);
    SQLite::Statement q(db, "UPDATE page_links SET data = x'DEADBEEF00' "
                            "WHERE page_id IN (SELECT id FROM pages WHERE "
                            "run_id = 1 AND url LIKE '%/d/b')");
    ASSERT_EQ(q.exec(), 1);
  }
  const std::string second = Run();
  EXPECT_EQ(site_.full("/d/b"), 2) << "asked for again in full";
  EXPECT_EQ(site_.not_modified("/d/b"), 0);
  EXPECT_EQ(site_.not_modified("/d/c"), 1);
  EXPECT_EQ(ParsedReused(2), std::make_pair(1, 3));
  EXPECT_EQ(Items(second), Items(first));
  Run();
  EXPECT_EQ(ParsedReused(3), std::make_pair(0, 4)) << "the fresh copy";
}

}  // namespace
}  // namespace oitwatch
