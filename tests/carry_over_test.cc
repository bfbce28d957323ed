// An unchanged page re-used by a later run carries its links by reference
// (pages.links_from = the row holding them) instead of a copy per run: the
// store contract (one step deep, never dangling, bad references refused) on
// real database files, and the real `oitwatch` binary re-crawling a 304 site
// (no new page_links rows, the same links and verdicts in every run).
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/links_blob.h"
#include "storage/schema.h"
#include "tests/test_store.h"
#include "storage/store.h"
#include "tests/test_process.h"
#include "tests/test_server.h"

namespace oitwatch {
namespace {

using LinkSet = std::set<std::pair<std::string, std::string>>;

// The links of a page_links blob, decoded (fails the test if it does not
// decode).
std::vector<LinkRecord> Decoded(const SQLite::Column& data) {
  std::vector<LinkRecord> links;
  std::string err;
  EXPECT_TRUE(
      DecodeLinks(std::string_view(static_cast<const char*>(data.getBlob()),
                                   static_cast<size_t>(data.getBytes())),
                  &links, &err))
      << err;
  return links;
}

// The links a page row has, following its reference: what every reader of
// links must see.
LinkSet LinksOfRow(SQLite::Database& db, int64_t page_id) {
  SQLite::Statement q(db,
                      "SELECT l.data FROM pages p JOIN page_links l ON "
                      "l.page_id = coalesce(p.links_from, p.id) WHERE p.id = ?");
  q.bind(1, page_id);
  LinkSet links;
  while (q.executeStep()) {
    for (const LinkRecord& l : Decoded(q.getColumn(0))) {
      links.insert({l.to_url, l.text});
    }
  }
  return links;
}

// All links stored in the file, summed over its page_links rows.
int64_t StoredLinks(SQLite::Database& db) {
  SQLite::Statement q(db, "SELECT data FROM page_links");
  int64_t links = 0;
  while (q.executeStep()) {
    links += static_cast<int64_t>(Decoded(q.getColumn(0)).size());
  }
  return links;
}

int64_t Count(SQLite::Database& db, const std::string& sql) {
  return db.execAndGet(sql).getInt64();
}

class CarryOverStoreTest : public StoreFileTest {
 protected:
  void SetUp() override {
    StoreFileTest::SetUp();
    Open();
  }

  int64_t BeginRun() {
    RunInfo info;
    info.ruleset_id = "bma-district";
    info.fiscal_year = 2568;
    info.as_of = "2025-04-10";
    return StoreFileTest::BeginRun(info);
  }

  static PageRecord Page() {
    PageRecord page;
    page.site_id = "laksi";
    page.url = "https://laksi.go.th/ita";
    page.kind = "page";
    page.outcome = "ok";
    page.http_status = 200;
    page.content_hash = "abc";
    page.fetched_at = "2025-04-10T02:00:00Z";
    page.title = "การเปิดเผยข้อมูลสาธารณะ";
    return page;
  }

  // The newest reusable row of Page().url, with its links loaded.
  StoredPage Newest() {
    StoredPage stored;
    bool found = false;
    std::string err;
    EXPECT_TRUE(store_->FindReusablePage("laksi", Page().url, &stored, &found,
                                         &err))
        << err;
    EXPECT_TRUE(found);
    EXPECT_TRUE(store_->LoadPageRows(&stored, &err)) << err;
    return stored;
  }

  // Saves Page() into `run_id` with its links carried from row `from`.
  bool SaveCarried(int64_t run_id, int64_t from, std::string* err) {
    PageRecord page = Page();
    page.outcome = "not_modified";
    page.http_status = 304;
    page.links_from = from;
    return store_->SavePage(run_id, page, {}, {}, {}, err);
  }

  const std::vector<LinkRecord> kLinks = {
      {"https://laksi.go.th/o5.pdf", "O5 แผนปฏิบัติราชการ พ.ศ. 2568"},
      {"https://laksi.go.th/news", "ข่าวประชาสัมพันธ์"},
      {"https://laksi.go.th/", ""}};
  LinkSet LinkSetOf(const std::vector<LinkRecord>& links) {
    LinkSet set;
    for (const LinkRecord& l : links) set.insert({l.to_url, l.text});
    return set;
  }

};

TEST_F(CarryOverStoreTest, ReusedPageReadsItsLinksThroughOneStepReference) {
  std::string err;
  int64_t run1 = BeginRun();
  ASSERT_TRUE(store_->SavePage(run1, Page(), kLinks, {}, {}, &err)) << err;
  StoredPage first = Newest();
  EXPECT_EQ(first.links_page_id, first.page_id) << "holds its own links";

  int64_t run2 = BeginRun();
  ASSERT_TRUE(SaveCarried(run2, first.page_id, &err)) << err;
  StoredPage second = Newest();
  EXPECT_EQ(second.run_id, run2);
  EXPECT_EQ(second.links_page_id, first.page_id);
  EXPECT_EQ(second.links.size(), kLinks.size());
  EXPECT_EQ(LinkSetOf(second.links), LinkSetOf(kLinks));

  // Carrying from the carried row points at the holder, not at a chain.
  int64_t run3 = BeginRun();
  ASSERT_TRUE(SaveCarried(run3, second.page_id, &err)) << err;
  StoredPage third = Newest();
  EXPECT_EQ(third.links_page_id, first.page_id);
  EXPECT_EQ(LinkSetOf(third.links), LinkSetOf(kLinks));

  SQLite::Database db(path_);
  EXPECT_EQ(Count(db, "SELECT count(*) FROM page_links"), 1) << "no copies";
  EXPECT_EQ(StoredLinks(db), 3) << "no copies";
  EXPECT_EQ(Count(db, "SELECT count(*) FROM pages"), 3) << "history kept";
}

TEST_F(CarryOverStoreTest, ReplacingTheHolderHandsItsLinksToTheReferrers) {
  std::string err;
  int64_t run1 = BeginRun();
  ASSERT_TRUE(store_->SavePage(run1, Page(), kLinks, {}, {}, &err)) << err;
  int64_t holder = Newest().page_id;
  int64_t run2 = BeginRun();
  ASSERT_TRUE(SaveCarried(run2, holder, &err)) << err;
  int64_t row2 = Newest().page_id;
  int64_t run3 = BeginRun();
  ASSERT_TRUE(SaveCarried(run3, row2, &err)) << err;
  int64_t row3 = Newest().page_id;

  // Saving the same (run, site, url) again replaces run 1's row.
  ASSERT_TRUE(store_->SavePage(run1, Page(), {{"https://laksi.go.th/new", "ใหม่"}},
                               {}, {}, &err))
      << err;
  SQLite::Database db(path_);
  EXPECT_EQ(Count(db, "SELECT count(*) FROM pages WHERE id = " +
                          std::to_string(holder)),
            0);
  EXPECT_EQ(LinksOfRow(db, row2), LinkSetOf(kLinks)) << "handed over";
  EXPECT_EQ(LinksOfRow(db, row3), LinkSetOf(kLinks)) << "re-pointed";
  EXPECT_EQ(Count(db, "SELECT coalesce(links_from, 0) FROM pages WHERE id = " +
                          std::to_string(row2)),
            0)
      << "the oldest referrer becomes the holder";
  EXPECT_EQ(Count(db, "SELECT links_from FROM pages WHERE id = " +
                          std::to_string(row3)),
            row2)
      << "still one step deep";
  EXPECT_EQ(Count(db, "SELECT count(*) FROM page_links"), 2);
  EXPECT_EQ(StoredLinks(db), 4);
  EXPECT_EQ(Count(db, "SELECT count(*) FROM pragma_foreign_key_check"), 0);

  // Replacing a row that holds nothing for others leaves the rest alone.
  ASSERT_TRUE(SaveCarried(run3, row2, &err)) << err;
  EXPECT_EQ(LinksOfRow(db, Newest().page_id), LinkSetOf(kLinks));
}

TEST_F(CarryOverStoreTest, BadReferencesAreRefusedWithClearErrors) {
  std::string err;
  int64_t run1 = BeginRun();
  ASSERT_TRUE(store_->SavePage(run1, Page(), kLinks, {}, {}, &err)) << err;
  int64_t holder = Newest().page_id;
  int64_t run2 = BeginRun();

  PageRecord both = Page();
  both.links_from = holder;
  EXPECT_FALSE(store_->SavePage(run2, both, kLinks, {}, {}, &err));
  EXPECT_NE(err.find("both by reference and as rows"), std::string::npos)
      << err;

  err.clear();
  EXPECT_FALSE(SaveCarried(run2, holder + 1000, &err));
  EXPECT_NE(err.find("no such row"), std::string::npos) << err;
  EXPECT_NE(err.find(path_), std::string::npos) << err;

  // A row cannot carry the links of the row its own save replaces.
  err.clear();
  EXPECT_FALSE(SaveCarried(run1, holder, &err));
  EXPECT_NE(err.find("no such row"), std::string::npos) << err;
  EXPECT_EQ(LinkSetOf(Newest().links), LinkSetOf(kLinks))
      << "the failed save rolled back";

  SQLite::Database db(path_);
  EXPECT_EQ(Count(db, "SELECT count(*) FROM pages"), 1);
}

TEST_F(CarryOverStoreTest, VersionThreeDatabaseIsMigratedWithItsLinks) {
  store_.reset();
  std::filesystem::remove(path_);
  CreateStoreAtVersion(
      path_, 3,
      "INSERT INTO runs (id, started_at, status) VALUES (1, 'x', "
      "'finished');"
      "INSERT INTO pages (id, run_id, site_id, url, kind, outcome, "
      "http_status, content_hash) VALUES (7, 1, 'laksi', "
      "'https://laksi.go.th/ita', 'page', 'ok', 200, 'abc');"
      "INSERT INTO links VALUES (7, 'https://laksi.go.th/news', 'ข่าว');");
  Open();
  std::string err;
  EXPECT_EQ(store_->schema_version(), StoreSchemaVersion());
  StoredPage old = Newest();
  EXPECT_EQ(old.links_page_id, 7);
  ASSERT_EQ(old.links.size(), 1u);
  EXPECT_EQ(old.links[0].text, "ข่าว");
  int64_t run2 = BeginRun();
  ASSERT_TRUE(SaveCarried(run2, 7, &err)) << err;
  EXPECT_EQ(LinkSetOf(Newest().links),
            (LinkSet{{"https://laksi.go.th/news", "ข่าว"}}));
}

// The real binary on a site that answers 304 to every repeat request.
class CarryOverRunTest : public testing::Test {
 protected:
  void SetUp() override {
    auto page = [](const std::string& body) {
      return [body](const TestRequest& req) {
        auto inm = req.headers.find("if-none-match");
        if (inm != req.headers.end() && inm->second == "\"e1\"") {
          return TestResponse{304, "", "", {{"ETag", "\"e1\""}}};
        }
        return TestResponse{200, "text/html; charset=utf-8",
                            "<!doctype html><html><head><title>เขตหลักสี่"
                            "</title></head><body>" + body + "</body></html>",
                            {{"ETag", "\"e1\""}}};
      };
    };
    server_.Route("/robots.txt", TestResponse{200, "text/plain", "", {}});
    server_.Route("/laksi/",
                  page("<a href=\"/laksi/ita\">ITA การเปิดเผยข้อมูลสาธารณะ</a>"
                       "<a href=\"/laksi/news\">ข่าวประชาสัมพันธ์</a>"
                       "<h1>สำนักงานเขตหลักสี่</h1>"));
    server_.Route("/laksi/ita",
                  page("<h1>การเปิดเผยข้อมูลสาธารณะ (OIT) พ.ศ. 2568</h1>"
                       "<a href=\"/laksi/news\">ข่าว 1 มกราคม 2568</a>"
                       "<a href=\"/laksi/\">หน้าหลัก</a>"));
    server_.Route("/laksi/news",
                  page("<p>ประชุม 5 มีนาคม 2568</p><a href=\"/laksi/\">กลับ</a>"));
    ASSERT_TRUE(server_.Start());
    dir_ = MakeTempDir();
    sites_ = dir_ + "/sites.yaml";
    ASSERT_TRUE(WriteFile(sites_,
                          "sites:\n  - id: laksi\n    name: สำนักงานเขตหลักสี่\n"
                          "    name_en: Lak Si\n    url: " + server_.url("/laksi/") + "\n"));
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void Run() {
    ProcessResult r = RunProcess(
        {OITWATCH_BINARY, "run", "--sites", sites_, "--rules",
         std::string(OITWATCH_SOURCE_DIR) +
             "/config/rules/bma-district-2568.yaml",
         "--db", dir_ + "/o.db", "--as-of", "2025-04-10", "--host-delay-ms",
         "0", "--allow-address", "127.0.0.1", "--timeout-ms", "5000",
         "--format", "none", "--quiet"},
        120);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  // url -> links of that URL's page in `run`, following references.
  std::map<std::string, LinkSet> Links(SQLite::Database& db, int run) {
    SQLite::Statement q(db,
                        "SELECT id, url FROM pages WHERE run_id = ? AND "
                        "kind = 'page'");
    q.bind(1, run);
    std::map<std::string, LinkSet> links;
    while (q.executeStep()) {
      links[q.getColumn(1).getString()] =
          LinksOfRow(db, q.getColumn(0).getInt64());
    }
    return links;
  }

  std::vector<std::string> Verdicts(SQLite::Database& db, int run) {
    SQLite::Statement q(db,
                        "SELECT item_id || ':' || status FROM item_states "
                        "WHERE run_id = ? ORDER BY position");
    q.bind(1, run);
    std::vector<std::string> out;
    while (q.executeStep()) out.push_back(q.getColumn(0).getString());
    return out;
  }

  TestServer server_;
  std::string dir_, sites_;
};

TEST_F(CarryOverRunTest, UnchangedRecrawlWritesNoLinkRowsAndReadsTheSameLinks) {
  Run();
  int64_t links_after_first = 0;
  {
    SQLite::Database db(dir_ + "/o.db");
    links_after_first = StoredLinks(db);
    EXPECT_EQ(Count(db, "SELECT count(*) FROM page_links"), 3)
        << "one row per page";
  }
  ASSERT_GE(links_after_first, 5);
  Run();
  Run();
  SQLite::Database db(dir_ + "/o.db");
  EXPECT_EQ(Count(db, "SELECT count(*) FROM page_links"), 3)
      << "re-used pages store no links of their own";
  EXPECT_EQ(StoredLinks(db), links_after_first);
  EXPECT_EQ(Count(db, "SELECT count(*) FROM pages WHERE run_id = 3 AND "
                      "kind = 'page' AND outcome = 'not_modified'"),
            3);
  EXPECT_EQ(Count(db, "SELECT count(*) FROM pages p JOIN pages h ON h.id = "
                      "p.links_from WHERE p.run_id = 3 AND h.run_id = 1 AND "
                      "h.links_from IS NULL"),
            3)
      << "run 3 refers to run 1's rows directly";
  std::map<std::string, LinkSet> first = Links(db, 1);
  ASSERT_EQ(first.size(), 3u);
  EXPECT_EQ(Links(db, 2), first);
  EXPECT_EQ(Links(db, 3), first);
  EXPECT_FALSE(Verdicts(db, 1).empty());
  EXPECT_EQ(Verdicts(db, 2), Verdicts(db, 1));
  EXPECT_EQ(Verdicts(db, 3), Verdicts(db, 1));
  EXPECT_EQ(Count(db, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
}

}  // namespace
}  // namespace oitwatch
