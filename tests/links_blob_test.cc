// A page's links stored as one page_links row (storage/links_blob.h, schema
// v6): the encoding round-trips any bytes in order, a corrupt or truncated
// blob is refused with a clear error (never read past its end, in memory or
// in a real database file), and a version 5 database's links rows migrate
// to the same links in the same order, carry-over references included.
#include "storage/links_blob.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "storage/schema.h"
#include "storage/store.h"
#include "tests/test_process.h"
#include "tests/test_server.h"
#include "tests/test_store.h"

namespace oitwatch {
namespace {

using LinkList = std::vector<std::pair<std::string, std::string>>;

LinkList ListOf(const std::vector<LinkRecord>& links) {
  LinkList list;
  for (const LinkRecord& l : links) list.push_back({l.to_url, l.text});
  return list;
}

// Decodes from a heap copy of exactly blob.size() bytes, so that a read past
// the end touches memory the sanitizer build flags.
bool DecodeExact(const std::string& blob, std::vector<LinkRecord>* links,
                 std::string* err) {
  std::unique_ptr<char[]> copy(new char[blob.size() + (blob.empty() ? 1 : 0)]);
  std::copy(blob.begin(), blob.end(), copy.get());
  return DecodeLinks(std::string_view(copy.get(), blob.size()), links, err);
}

const std::vector<LinkRecord> kMenu = {
    {"https://laksi.go.th/ita", "ITA การเปิดเผยข้อมูลสาธารณะ"},
    {"https://laksi.go.th/o5.pdf", "O5 แผนปฏิบัติราชการ\nพ.ศ. 2568"},
    {"https://laksi.go.th/", ""},
    {"https://laksi.go.th/a", "a"}};

TEST(LinksBlobTest, RoundTripsEveryLinkInOrder) {
  const std::string long_url = "https://laksi.go.th/" + std::string(200, 'x');
  const std::string huge_text(70000, 'y');  // a 3-byte length
  const std::vector<std::vector<LinkRecord>> cases = {
      {},
      {{"", ""}},
      kMenu,
      {{"https://b/", "z"}, {"https://a/", "y"}, {"https://b/", "z"}},
      {{"https://x/", std::string("nul\0in\x01text\xff", 13)}},
      {{long_url, huge_text}, {"https://x/", "after a long one"}},
  };
  for (const std::vector<LinkRecord>& links : cases) {
    const std::string blob = EncodeLinks(links);
    std::vector<LinkRecord> back = {{"stale", "entry"}};
    std::string err;
    ASSERT_TRUE(DecodeExact(blob, &back, &err)) << err << " " << links.size();
    EXPECT_EQ(ListOf(back), ListOf(links)) << links.size() << " links";
    EXPECT_TRUE(DecodeExact(blob, nullptr, &err)) << "check only: " << err;
  }
}

TEST(LinksBlobTest, IsCompact) {
  // Lengths below 128 take one byte: the format byte, the count, and two
  // bytes a link beyond its text.
  size_t bytes = 0;
  for (const LinkRecord& l : kMenu) bytes += l.to_url.size() + l.text.size();
  EXPECT_EQ(EncodeLinks(kMenu).size(), 2 + 2 * kMenu.size() + bytes);
}

TEST(LinksBlobTest, EveryTruncationIsRefused) {
  const std::string blob = EncodeLinks(kMenu);
  for (size_t size = 0; size < blob.size(); ++size) {
    std::vector<LinkRecord> links;
    std::string err;
    EXPECT_FALSE(DecodeExact(blob.substr(0, size), &links, &err))
        << "cut to " << size << " of " << blob.size();
    EXPECT_TRUE(links.empty()) << size;
    EXPECT_EQ(err.rfind("link blob: ", 0), 0u) << err;
    std::string check_err;
    EXPECT_FALSE(DecodeExact(blob.substr(0, size), nullptr, &check_err))
        << "check only, cut to " << size;
    EXPECT_EQ(check_err, err);
  }
}

TEST(LinksBlobTest, CorruptBlobsAreRefusedWithWhatIsWrong) {
  struct Case {
    std::string blob;
    const char* error;
  };
  const std::string menu = EncodeLinks(kMenu);
  const std::vector<Case> cases = {
      {"", "link blob: empty at byte 0"},
      {"\x03\x00", "link blob: unknown format 3 at byte 0"},
      {"\x02\x00", "link blob: bad compressed frame header"},
      {std::string("\x01\x00", 2) + "x", "1 bytes after the last link"},
      {menu + std::string(1, '\0'), "1 bytes after the last link"},
      // A count no blob of this size can hold.
      {std::string("\x01\xff\xff\xff\x0f\x00\x00", 7), "bad link count"},
      // An 11-byte varint (longer than 64 bits).
      {"\x01" + std::string(10, '\xff') + "\x01", "bad link count"},
      // One link whose URL claims 100 bytes of 3 left.
      {std::string("\x01\x01\x64", 3) + "abc", "link 1 of 1 cut off"},
      // Two links counted, one stored.
      {std::string("\x01\x02\x01x\x01y", 6), "link 2 of 2 cut off"},
      {std::string("\x01\x03\x01x\x01y", 6), "bad link count"},
  };
  for (const Case& c : cases) {
    std::vector<LinkRecord> links;
    std::string err;
    EXPECT_FALSE(DecodeExact(c.blob, &links, &err))
        << testing::PrintToString(c.blob);
    EXPECT_NE(err.find(c.error), std::string::npos)
        << testing::PrintToString(c.blob) << ": " << err;
    std::string check_err;
    EXPECT_FALSE(DecodeExact(c.blob, nullptr, &check_err));
    EXPECT_EQ(check_err, err) << "check only";
  }
}

// A menu of 100 links: over 1 KiB, so stored compressed (format 2).
std::vector<LinkRecord> BigMenu() {
  std::vector<LinkRecord> links;
  for (int i = 0; i < 100; ++i) {
    links.push_back({"https://laksi.go.th/news/" + std::to_string(i) + ".html",
                     "ข่าวประชาสัมพันธ์ สำนักงานเขตหลักสี่ ฉบับที่ " +
                         std::to_string(i)});
  }
  return links;
}

size_t PlainSize(const std::vector<LinkRecord>& links) {
  size_t bytes = 2;  // format, count (100 < 128)
  for (const LinkRecord& l : links) bytes += 2 + l.to_url.size() + l.text.size();
  return bytes;
}

TEST(LinksBlobTest, ManyLinksAreStoredCompressedAndReadBackTheSame) {
  const std::vector<LinkRecord> menu = BigMenu();
  const std::string blob = EncodeLinks(menu);
  ASSERT_FALSE(blob.empty());
  EXPECT_EQ(blob[0], '\x02');
  EXPECT_LT(blob.size() * 3, PlainSize(menu)) << "a menu compresses well";
  std::vector<LinkRecord> back;
  std::string err;
  ASSERT_TRUE(DecodeExact(blob, &back, &err)) << err;
  EXPECT_EQ(ListOf(back), ListOf(menu));
  EXPECT_TRUE(DecodeExact(blob, nullptr, &err)) << err;
  EXPECT_EQ(EncodeLinks(kMenu)[0], '\x01') << "a short list stays plain";
}

TEST(LinksBlobTest, DamagedCompressedBlobsAreRefused) {
  const std::string blob = EncodeLinks(BigMenu());
  ASSERT_EQ(blob[0], '\x02');
  for (size_t size = 1; size < blob.size(); ++size) {
    std::vector<LinkRecord> links;
    std::string err;
    EXPECT_FALSE(DecodeExact(blob.substr(0, size), &links, &err)) << size;
    EXPECT_TRUE(links.empty()) << size;
    EXPECT_EQ(err.rfind("link blob: ", 0), 0u) << err;
  }
  // zstd frames by hand: magic, then a header. One that claims 65 MiB of
  // content (more than any page's links) is refused before any allocation.
  const std::string magic = "\x28\xb5\x2f\xfd";
  std::string huge = "\x02" + magic + "\xe0";  // single segment, 8-byte size
  const uint64_t claimed = (65ull << 20);
  for (int i = 0; i < 8; ++i) huge.push_back(static_cast<char>(claimed >> (8 * i)));
  huge += std::string("\x01\x00\x00", 3);  // last block, raw, empty
  // A well-formed frame whose content is one byte that is no version 1 blob.
  const std::string other =
      "\x02" + magic + std::string("\x20\x01\x09\x00\x00\x05", 6);
  for (const auto& [bad, why] :
       std::vector<std::pair<std::string, std::string>>{
           {huge, "bad compressed frame header"},
           {other, "compressed frame holds no links"}}) {
    std::vector<LinkRecord> links;
    std::string err;
    EXPECT_FALSE(DecodeExact(bad, &links, &err)) << why;
    EXPECT_NE(err.find(why), std::string::npos) << err;
  }
}

TEST(LinksBlobTest, RandomDamageNeverReadsPastTheEnd) {
  std::mt19937 rng(42);
  for (int i = 0; i < 10000; ++i) {
    static const std::string plain = EncodeLinks(kMenu);
    static const std::string compressed = EncodeLinks(BigMenu());
    const std::string& blob = i % 2 ? compressed : plain;
    std::string damaged = blob;
    const int flips = 1 + static_cast<int>(rng() % 3);
    for (int f = 0; f < flips; ++f) {
      damaged[rng() % damaged.size()] = static_cast<char>(rng() & 0xff);
    }
    damaged.resize(rng() % (damaged.size() + 1));
    std::vector<LinkRecord> links;
    std::string err;
    if (!DecodeExact(damaged, &links, &err)) {
      EXPECT_TRUE(links.empty());
      EXPECT_FALSE(err.empty());
    }
  }
}

class LinksBlobStoreTest : public StoreFileTest {
 protected:
  int64_t BeginRun() {
    RunInfo info;
    info.fiscal_year = 2568;
    return StoreFileTest::BeginRun(info);
  }

  // The newest reusable row of `url` with its rows loaded; false with *err
  // if LoadPageRows fails.
  bool Load(const std::string& url, StoredPage* stored, std::string* err) {
    bool found = false;
    if (!store_->FindReusablePage("laksi", url, stored, &found, err)) {
      return false;
    }
    EXPECT_TRUE(found) << url;
    return store_->LoadPageRows(stored, err);
  }

  LinkList LinksOf(const std::string& url) {
    StoredPage stored;
    std::string err;
    EXPECT_TRUE(Load(url, &stored, &err)) << err;
    return ListOf(stored.links);
  }

};

int64_t Count(SQLite::Database& db, const std::string& sql) {
  return db.execAndGet(sql).getInt64();
}

TEST_F(LinksBlobStoreTest, OneRowPerPageWithLinksAndNoneWithout) {
  Open();
  const int64_t run = BeginRun();
  std::string err;
  ASSERT_TRUE(store_->SavePage(run, OkPage("https://laksi.go.th/ita"), kMenu,
                               {}, {}, &err))
      << err;
  PageRecord pdf = OkPage("https://laksi.go.th/o5.pdf");
  pdf.kind = "document";
  ASSERT_TRUE(store_->SavePage(run, pdf, {}, {}, {}, &err)) << err;
  EXPECT_EQ(LinksOf("https://laksi.go.th/ita"), ListOf(kMenu));
  EXPECT_TRUE(LinksOf("https://laksi.go.th/o5.pdf").empty());

  SQLite::Database db(path_);
  EXPECT_EQ(Count(db, "SELECT count(*) FROM page_links"), 1);
  SQLite::Statement q(db, "SELECT data FROM page_links");
  ASSERT_TRUE(q.executeStep());
  const SQLite::Column data = q.getColumn(0);
  std::vector<LinkRecord> stored;
  ASSERT_TRUE(
      DecodeLinks(std::string_view(static_cast<const char*>(data.getBlob()),
                                   static_cast<size_t>(data.getBytes())),
                  &stored, &err))
      << err;
  EXPECT_EQ(ListOf(stored), ListOf(kMenu));
}

TEST_F(LinksBlobStoreTest, TruncatedBlobInTheFileFailsTheReadNamingTheRow) {
  Open();
  const int64_t run = BeginRun();
  std::string err;
  ASSERT_TRUE(store_->SavePage(run, OkPage("https://laksi.go.th/ita"), kMenu,
                               {}, {}, &err))
      << err;
  ASSERT_TRUE(store_->SavePage(run, OkPage("https://laksi.go.th/news"), kMenu,
                               {}, {}, &err))
      << err;
  StoredPage ita;
  ASSERT_TRUE(Load("https://laksi.go.th/ita", &ita, &err)) << err;
  {
    // Another program damages the row: 3 bytes cut off its end.
    SQLite::Database db(path_, SQLite::OPEN_READWRITE);
    SQLite::Statement cut(db,
                          "UPDATE page_links SET data = substr(data, 1, "
                          "length(data) - 3) WHERE page_id = ?");
    cut.bind(1, ita.page_id);
    ASSERT_EQ(cut.exec(), 1);
  }
  StoredPage damaged;
  err.clear();
  EXPECT_FALSE(Load("https://laksi.go.th/ita", &damaged, &err));
  EXPECT_NE(err.find(path_), std::string::npos) << err;
  EXPECT_NE(err.find("page_links row " + std::to_string(ita.page_id) +
                     ": link blob: link 4 of 4 cut off"),
            std::string::npos)
      << err;
  EXPECT_TRUE(damaged.links.empty());
  // The store is still usable: the failed read left no snapshot open.
  EXPECT_EQ(LinksOf("https://laksi.go.th/news"), ListOf(kMenu));
  ASSERT_TRUE(store_->SavePage(run, OkPage("https://laksi.go.th/ita"), kMenu,
                               {}, {}, &err))
      << err;
  EXPECT_EQ(LinksOf("https://laksi.go.th/ita"), ListOf(kMenu));
}

// The links CheckPageLinks reads to see that they decode can be handed over
// (compact), and LoadPageRows then takes them instead of reading and
// decompressing them again (the pipeline's look-ups ahead and row reads):
// here the row is damaged after the check, and the load still gives the
// links the check read; without them, the load finds the damage.
TEST_F(LinksBlobStoreTest, LinksReadByTheCheckAreNotReadAgain) {
  Open();
  const int64_t run = BeginRun();
  std::string err;
  const std::vector<LinkRecord> menu = BigMenu();  // stored compressed
  ASSERT_TRUE(store_->SavePage(run, OkPage("https://laksi.go.th/ita"), menu,
                               {}, {}, &err))
      << err;
  StoredPage prior;
  bool found = false;
  ASSERT_TRUE(store_->FindReusablePage("laksi", "https://laksi.go.th/ita",
                                       &prior, &found, &err))
      << err;
  ASSERT_TRUE(found);
  decltype(StoredPage::link_list) held;
  ASSERT_TRUE(store_->CheckPageLinks(prior, &err, &held)) << err;
  ASSERT_EQ(held.size(), menu.size());
  for (size_t i = 0; i < menu.size(); ++i) {
    EXPECT_EQ(held.url(i), menu[i].to_url) << i;
    EXPECT_EQ(held.text(i), menu[i].text) << i;
  }
  {
    SQLite::Database db(path_, SQLite::OPEN_READWRITE);
    ASSERT_EQ(db.exec("UPDATE page_links SET data = substr(data, 1, 20)"), 1);
  }
  StoredPage rows;
  rows.page_id = prior.page_id;
  rows.links_page_id = prior.links_page_id;
  rows.page.url = prior.page.url;
  rows.compact_links = true;
  StoredPage unread = rows;
  rows.link_list = held;
  rows.links_read = true;
  ASSERT_TRUE(store_->LoadPageRows(&rows, &err)) << err;
  ASSERT_EQ(rows.link_list.size(), menu.size());
  EXPECT_EQ(rows.link_list.url(menu.size() - 1), menu.back().to_url);
  EXPECT_FALSE(store_->LoadPageRows(&unread, &err));
  EXPECT_NE(err.find("page_links row"), std::string::npos) << err;
}

// Page 7 (run 1) holds links that pages 8 (run 2) and 10 (run 3) carry;
// its rows were inserted out of rowid order. Page 9 and 12 hold their own,
// the PDF none, and one row belongs to no page.
constexpr char kVersion5Rows[] = R"sql(
INSERT INTO runs (id, started_at, status) VALUES
  (1, 'x', 'finished'), (2, 'y', 'finished'), (3, 'z', 'finished');
INSERT INTO pages (id, run_id, site_id, url, kind, outcome, http_status,
                   content_hash, links_from) VALUES
  (7, 1, 'laksi', 'https://laksi.go.th/ita', 'page', 'ok', 200, 'abc', NULL),
  (9, 1, 'laksi', 'https://laksi.go.th/news', 'page', 'ok', 200, 'n1', NULL),
  (11, 1, 'laksi', 'https://laksi.go.th/o5.pdf', 'document', 'ok', 200, 'p',
   NULL),
  (8, 2, 'laksi', 'https://laksi.go.th/ita', 'page', 'not_modified', 304,
   'abc', 7),
  (12, 2, 'laksi', 'https://laksi.go.th/news', 'page', 'ok', 200, 'n2', NULL),
  (10, 3, 'laksi', 'https://laksi.go.th/ita', 'page', 'not_modified', 304,
   'abc', 7);
INSERT INTO links (rowid, page_id, to_url, text) VALUES
  (6, 7, 'https://laksi.go.th/news', 'ข่าว'),
  (1, 9, 'https://laksi.go.th/', 'หน้าหลัก'),
  (2, 7, 'https://laksi.go.th/o5.pdf', 'O5 แผน
ปี 2568'),
  (3, 12, 'https://laksi.go.th/ita', 'ITA'),
  (5, 9, 'https://laksi.go.th/ita', ''),
  (4, 7, 'https://laksi.go.th/', ''),
  (13, 99, 'https://laksi.go.th/orphan', 'no page');
)sql";

const LinkList kPage7 = {{"https://laksi.go.th/o5.pdf", "O5 แผน\nปี 2568"},
                         {"https://laksi.go.th/", ""},
                         {"https://laksi.go.th/news", "ข่าว"}};

TEST_F(LinksBlobStoreTest, VersionFiveLinksMigrateInTheSameOrder) {
  CreateStoreAtVersion(path_, 5, kVersion5Rows);
  Open();
  EXPECT_EQ(store_->schema_version(), StoreSchemaVersion());
  EXPECT_GE(store_->schema_version(), 6);

  StoredPage ita;  // page 10, carrying page 7's links
  std::string err;
  ASSERT_TRUE(Load("https://laksi.go.th/ita", &ita, &err)) << err;
  EXPECT_EQ(ita.page_id, 10);
  EXPECT_EQ(ita.links_page_id, 7);
  EXPECT_EQ(ListOf(ita.links), kPage7);
  StoredPage run2;  // page 8, likewise
  run2.page_id = 8;
  run2.links_page_id = 7;
  ASSERT_TRUE(store_->LoadPageRows(&run2, &err)) << err;
  EXPECT_EQ(ListOf(run2.links), kPage7);
  StoredPage news_run1;
  news_run1.page_id = 9;
  ASSERT_TRUE(store_->LoadPageRows(&news_run1, &err)) << err;
  EXPECT_EQ(ListOf(news_run1.links),
            (LinkList{{"https://laksi.go.th/", "หน้าหลัก"},
                      {"https://laksi.go.th/ita", ""}}));
  EXPECT_EQ(LinksOf("https://laksi.go.th/news"),
            (LinkList{{"https://laksi.go.th/ita", "ITA"}}));
  EXPECT_TRUE(LinksOf("https://laksi.go.th/o5.pdf").empty());

  SQLite::Database db(path_);
  EXPECT_EQ(Count(db,
                  "SELECT count(*) FROM sqlite_master WHERE name IN "
                  "('links', 'links_by_page')"),
            0)
      << "the old table is dropped";
  EXPECT_EQ(Count(db, "SELECT count(*) FROM page_links"), 3)
      << "pages 7, 9 and 12; the orphan row is not carried";
  EXPECT_EQ(Count(db, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
  EXPECT_TRUE(store_->CheckIntegrity(&err)) << err;
}

TEST_F(LinksBlobStoreTest, MigratedHolderStillHandsItsLinksOver) {
  CreateStoreAtVersion(path_, 5, kVersion5Rows);
  Open();
  // Saving run 1's /ita again replaces page 7, the holder of 8's and 10's
  // links: they go to page 8, and 10 then refers to 8.
  std::string err;
  ASSERT_TRUE(store_->SavePage(1, OkPage("https://laksi.go.th/ita"),
                               {{"https://laksi.go.th/new", "ใหม่"}}, {}, {},
                               &err))
      << err;
  StoredPage ita;
  ASSERT_TRUE(Load("https://laksi.go.th/ita", &ita, &err)) << err;
  EXPECT_EQ(ita.page_id, 10);
  EXPECT_EQ(ita.links_page_id, 8);
  EXPECT_EQ(ListOf(ita.links), kPage7);
  SQLite::Database db(path_);
  EXPECT_EQ(Count(db, "SELECT count(*) FROM page_links"), 4);
  EXPECT_EQ(Count(db, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
}

// The real binary re-crawling an unchanged site whose stored links were
// damaged: the damaged copy is not re-used (it would credit no links, every
// night): the page is fetched in full and read afresh, the run goes on, and
// its new row holds the links again.
TEST(LinksBlobRunTest, DamagedLinksAreReadAfreshNotReused) {
  TestServer server;
  const std::string html =
      "<!doctype html><html><head><title>เขตหลักสี่</title></head><body>"
      "<a href=\"/laksi/news\">ข่าวประชาสัมพันธ์</a>"
      "<a href=\"/laksi/ita\">ITA</a></body></html>";
  server.Route("/robots.txt", TestResponse{200, "text/plain", "", {}});
  for (const char* path : {"/laksi/", "/laksi/news", "/laksi/ita"}) {
    server.Route(path, TestResponse{200, "text/html; charset=utf-8", html, {}});
  }
  ASSERT_TRUE(server.Start());
  const std::string dir = MakeTempDir();
  const std::string db_path = dir + "/o.db";
  ASSERT_TRUE(WriteFile(dir + "/sites.yaml",
                        "sites:\n  - id: laksi\n    name: สำนักงานเขตหลักสี่\n"
                        "    name_en: Lak Si\n    url: " +
                            server.url("/laksi/") + "\n"));
  auto run = [&] {
    return RunProcess(
        {OITWATCH_BINARY, "run", "--sites", dir + "/sites.yaml", "--rules",
         std::string(OITWATCH_SOURCE_DIR) +
             "/config/rules/bma-district-2568.yaml",
         "--db", db_path, "--as-of", "2025-04-10", "--host-delay-ms", "0",
         "--allow-address", "127.0.0.1", "--timeout-ms", "5000", "--format",
         "none", "--quiet"},
        120);
  };
  ProcessResult first = run();
  ASSERT_EQ(first.exit_code, 0) << first.err;
  int64_t home = 0;
  {
    SQLite::Database db(db_path, SQLite::OPEN_READWRITE);
    home = db.execAndGet("SELECT id FROM pages WHERE url = '" +
                         server.url("/laksi/") + "'")
               .getInt64();
    SQLite::Statement cut(db,
                          "UPDATE page_links SET data = substr(data, 1, "
                          "length(data) - 1) WHERE page_id = ?");
    cut.bind(1, home);
    ASSERT_EQ(cut.exec(), 1);
  }
  ProcessResult second = run();
  EXPECT_EQ(second.exit_code, 0) << second.err;
  {
    SQLite::Database db(db_path);
    SQLite::Statement q(db,
                        "SELECT p.id, p.links_from, length(l.data) FROM pages "
                        "p LEFT JOIN page_links l ON l.page_id = p.id WHERE "
                        "p.url = ? AND p.run_id = 2");
    q.bind(1, server.url("/laksi/"));
    ASSERT_TRUE(q.executeStep()) << "the home page of run 2";
    EXPECT_TRUE(q.getColumn(1).isNull())
        << "not a reference to the damaged row";
    EXPECT_GT(q.getColumn(2).getInt(), 0) << "its own links, read afresh";
  }
  std::string err;
  std::unique_ptr<Store> store = Store::Open(db_path, &err);
  ASSERT_TRUE(store) << err;
  StoredPage page;
  bool found = false;
  ASSERT_TRUE(store->FindReusablePage("laksi", server.url("/laksi/"), &page,
                                      &found, &err))
      << err;
  ASSERT_TRUE(found);
  EXPECT_EQ(page.run_id, 2);
  ASSERT_TRUE(store->LoadPageRows(&page, &err)) << err;
  EXPECT_EQ(page.links.size(), 2u);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace oitwatch
