// An unchanged page re-used by a later run carries the dates its body
// yields by reference (pages.dates_from, schema v5) instead of a copy per
// run, as it does its links (carry_over_test.cc): the store contract (body
// dates only, one step deep, never dangling, bad references refused, listed
// in the order copies would have had) on real database files, and the real
// `oitwatch` binary re-crawling a 304 site (no new body date rows, the same
// dates and `oitwatch explain` output in every run).
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <memory>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "storage/dates_blob.h"
#include "storage/schema.h"
#include "tests/test_store.h"
#include "storage/store.h"
#include "tests/test_process.h"
#include "tests/test_server.h"

namespace oitwatch {
namespace {

const char kIta[] = "https://laksi.go.th/ita";
const char kNews[] = "https://laksi.go.th/news";

DateFact Date(Field field, const char* source, const char* text,
              const std::string& url = "") {
  DateFact d;
  d.field = field;
  d.source = source;
  d.fiscal_year = 2568;
  d.year_be = 2568;
  d.text = text;
  d.url = url;
  return d;
}

// What a parse of the ITA page yields, in the order a page's rows are saved:
// its URL's own date, its body's dates, then link-text dates (about
// another page, and about itself).
const DateFact kUrlDate = Date(Field::kUrl, "url", "2568");
const DateFact kTitleDate = Date(Field::kTitle, "title", "พ.ศ. 2568");
const DateFact kTextDate = Date(Field::kPageText, "page_text", "1 ม.ค. 68");
const DateFact kNewsLink =
    Date(Field::kLinkText, "link_text", "5 มี.ค. 68", kNews);
const DateFact kSelfLink =
    Date(Field::kLinkText, "link_text", "ITA 2568", kIta);

std::vector<std::string> Texts(const std::vector<DateFact>& dates) {
  std::vector<std::string> texts;
  for (const DateFact& d : dates) texts.push_back(d.source + ":" + d.text);
  return texts;
}

int64_t Count(SQLite::Database& db, const std::string& sql) {
  return db.execAndGet(sql).getInt64();
}

// Every body date stored in `db`: those in page_dates rows (schema v9), and
// any url_dates row of a body field (there should be none since v9).
int64_t BodyDates(SQLite::Database& db) {
  int64_t n = Count(db,
                    "SELECT count(*) FROM url_dates WHERE field NOT IN "
                    "('link_text', 'url')");
  SQLite::Statement q(db, "SELECT page_id, data FROM page_dates");
  while (q.executeStep()) {
    const SQLite::Column data = q.getColumn(1);
    std::vector<DateFact> dates;
    std::string err;
    EXPECT_TRUE(DecodeDates(
        std::string_view(static_cast<const char*>(data.getBlob()),
                         data.getBytes()),
        "", &dates, &err))
        << "page_dates row " << q.getColumn(0).getInt64() << ": " << err;
    n += static_cast<int64_t>(dates.size());
  }
  return n;
}

class CarryDatesStoreTest : public StoreFileTest {
 protected:
  void SetUp() override {
    StoreFileTest::SetUp();
    Open();
  }

  static PageRecord Page(const std::string& url = kIta) { return OkPage(url); }

  // Saves the ITA page as parsed: every date as a row of its own.
  void SaveParsed(int64_t run_id) {
    std::string err;
    ASSERT_TRUE(store_->SavePage(
        run_id, Page(), {}, {},
        {kUrlDate, kTitleDate, kTextDate, kNewsLink, kSelfLink}, &err))
        << err;
  }

  // Saves the ITA page re-used from row `from`: its body dates by reference,
  // the others (re-derived) as rows.
  bool SaveCarried(int64_t run_id, int64_t from, std::string* err) {
    PageRecord page = Page();
    page.outcome = "not_modified";
    page.http_status = 304;
    page.dates_from = from;
    return store_->SavePage(run_id, page, {}, {},
                            {kUrlDate, kNewsLink, kSelfLink}, err);
  }

  // A page saved before the ITA page in the same run, naming it in a link.
  void SaveLinkingPage(int64_t run_id) {
    std::string err;
    DateFact about_ita =
        Date(Field::kLinkText, "link_text", "ITA ปี 2568", kIta);
    ASSERT_TRUE(store_->SavePage(run_id, Page("https://laksi.go.th/"), {}, {},
                                 {about_ita}, &err))
        << err;
  }

  StoredPage Newest() {
    StoredPage stored;
    bool found = false;
    std::string err;
    EXPECT_TRUE(store_->FindReusablePage("laksi", kIta, &stored, &found, &err))
        << err;
    EXPECT_TRUE(found);
    EXPECT_TRUE(store_->LoadPageRows(&stored, &err)) << err;
    return stored;
  }

  std::vector<std::string> Listed(int64_t run_id, const std::string& url) {
    std::vector<DateFact> dates;
    std::string err;
    EXPECT_TRUE(store_->ListDates(run_id, "laksi", url, &dates, &err)) << err;
    return Texts(dates);
  }

};

TEST_F(CarryDatesStoreTest, ReusedPageCarriesOnlyItsBodyDatesByReference) {
  const int64_t run1 = BeginRun();
  SaveParsed(run1);
  StoredPage first = Newest();
  EXPECT_EQ(first.dates_page_id, first.page_id) << "holds its own";
  EXPECT_EQ(Texts(first.dates), Texts({kTitleDate, kTextDate}))
      << "a re-use reads the body dates only";

  const int64_t run2 = BeginRun();
  std::string err;
  ASSERT_TRUE(SaveCarried(run2, first.page_id, &err)) << err;
  StoredPage second = Newest();
  EXPECT_EQ(second.dates_page_id, first.page_id);
  EXPECT_EQ(Texts(second.dates), Texts(first.dates));

  // Carrying from the carried row points at the holder, not at a chain.
  const int64_t run3 = BeginRun();
  ASSERT_TRUE(SaveCarried(run3, second.page_id, &err)) << err;
  EXPECT_EQ(Newest().dates_page_id, first.page_id);
  for (int64_t run : {run2, run3}) {
    EXPECT_EQ(Listed(run, kIta), Listed(run1, kIta)) << "run " << run;
    EXPECT_EQ(Listed(run, kNews), Listed(run1, kNews)) << "run " << run;
  }
  SQLite::Database db(path_);
  EXPECT_EQ(BodyDates(db), 2) << "no copies of body dates";
  EXPECT_EQ(Count(db, "SELECT count(*) FROM page_dates"), 1)
      << "one row holds them";
}

// `oitwatch explain` lists a URL's dates in the order they were saved; a
// carried page lists them as its copies would have been (interleaved with
// the dates other pages of the run saved about it).
TEST_F(CarryDatesStoreTest, CarriedDatesAreListedInTheOrderOfCopies) {
  const int64_t run1 = BeginRun();
  SaveParsed(run1);
  const int64_t holder = Newest().page_id;
  const int64_t carried = BeginRun();
  SaveLinkingPage(carried);
  std::string err;
  ASSERT_TRUE(SaveCarried(carried, holder, &err)) << err;
  const int64_t copied = BeginRun();
  SaveLinkingPage(copied);
  SaveParsed(copied);
  const std::vector<std::string> expected = {
      "link_text:ITA ปี 2568", "url:2568", "title:พ.ศ. 2568",
      "page_text:1 ม.ค. 68", "link_text:ITA 2568"};
  EXPECT_EQ(Listed(copied, kIta), expected);
  EXPECT_EQ(Listed(carried, kIta), expected);
}

TEST_F(CarryDatesStoreTest, ReplacingTheHolderHandsItsBodyDatesToTheReferrers) {
  const int64_t run1 = BeginRun();
  SaveParsed(run1);
  const int64_t holder = Newest().page_id;
  std::string err;
  const int64_t run2 = BeginRun();
  ASSERT_TRUE(SaveCarried(run2, holder, &err)) << err;
  const int64_t row2 = Newest().page_id;
  const int64_t run3 = BeginRun();
  ASSERT_TRUE(SaveCarried(run3, row2, &err)) << err;
  const std::vector<std::string> before = Listed(run2, kIta);

  // Saving the same (run, site, url) again replaces run 1's row.
  ASSERT_TRUE(store_->SavePage(run1, Page(), {}, {},
                               {Date(Field::kTitle, "title", "2569")}, &err))
      << err;
  SQLite::Database db(path_);
  EXPECT_EQ(Count(db, "SELECT count(*) FROM pages WHERE id = " +
                          std::to_string(holder)),
            0);
  EXPECT_EQ(Listed(run2, kIta), before) << "handed over";
  EXPECT_EQ(Listed(run3, kIta), before) << "re-pointed";
  EXPECT_EQ(Listed(run1, kIta), std::vector<std::string>{"title:2569"});
  EXPECT_EQ(Count(db, "SELECT coalesce(dates_from, 0) FROM pages WHERE id = " +
                          std::to_string(row2)),
            0)
      << "the oldest referrer becomes the holder";
  EXPECT_EQ(Count(db, "SELECT dates_from FROM pages WHERE id = " +
                          std::to_string(Newest().page_id)),
            row2)
      << "still one step deep";
  EXPECT_EQ(Count(db, "SELECT count(*) FROM page_dates b JOIN pages p ON "
                      "p.id = b.page_id WHERE b.page_id = " +
                          std::to_string(row2) + " AND p.run_id = " +
                          std::to_string(run2)),
            1)
      << "the row moved to the new holder, of its run";
  EXPECT_EQ(BodyDates(db), 3) << "run 1's new title date and the 2 handed over";
  EXPECT_EQ(Count(db, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
}

TEST_F(CarryDatesStoreTest, BadReferencesAreRefusedWithClearErrors) {
  const int64_t run1 = BeginRun();
  SaveParsed(run1);
  const int64_t holder = Newest().page_id;
  const int64_t run2 = BeginRun();
  std::string err;

  PageRecord both = Page();
  both.dates_from = holder;
  EXPECT_FALSE(store_->SavePage(run2, both, {}, {}, {kTitleDate}, &err));
  EXPECT_NE(err.find("both by reference and as rows"), std::string::npos)
      << err;

  PageRecord other = Page(kNews);
  other.dates_from = holder;
  EXPECT_FALSE(store_->SavePage(run2, other, {}, {}, {}, &err));
  EXPECT_NE(err.find("another site or URL"), std::string::npos) << err;

  err.clear();
  EXPECT_FALSE(SaveCarried(run2, holder + 1000, &err));
  EXPECT_NE(err.find("no such row"), std::string::npos) << err;
  EXPECT_NE(err.find(path_), std::string::npos) << err;

  // A row cannot carry the dates of the row its own save replaces.
  err.clear();
  EXPECT_FALSE(SaveCarried(run1, holder, &err));
  EXPECT_NE(err.find("no such row"), std::string::npos) << err;
  EXPECT_EQ(Texts(Newest().dates), Texts({kTitleDate, kTextDate}))
      << "the failed save rolled back";
}

TEST_F(CarryDatesStoreTest, VersionFourDatabaseIsMigratedWithItsDates) {
  store_.reset();
  std::filesystem::remove(path_);
  CreateStoreAtVersion(
      path_, 4,
      "INSERT INTO runs (id, started_at, status) VALUES (1, 'x', "
      "'finished');"
      "INSERT INTO pages (id, run_id, site_id, url, kind, outcome, "
      "http_status, content_hash) VALUES (7, 1, 'laksi', "
      "'https://laksi.go.th/ita', 'page', 'ok', 200, 'abc');"
      "INSERT INTO url_dates (page_id, run_id, site_id, url, field, source, "
      "text) VALUES (7, 1, 'laksi', 'https://laksi.go.th/ita', 'title', "
      "'title', 'พ.ศ. 2568'), (7, 1, 'laksi', 'https://laksi.go.th/news', "
      "'link_text', 'link_text', 'ข่าว 2568');");
  Open();
  EXPECT_EQ(store_->schema_version(), StoreSchemaVersion());
  EXPECT_GE(store_->schema_version(), 5);
  StoredPage old = Newest();
  EXPECT_EQ(old.dates_page_id, 7);
  EXPECT_EQ(Texts(old.dates), std::vector<std::string>{"title:พ.ศ. 2568"});
  const int64_t run2 = BeginRun();
  std::string err;
  ASSERT_TRUE(SaveCarried(run2, 7, &err)) << err;
  EXPECT_EQ(Texts(Newest().dates), std::vector<std::string>{"title:พ.ศ. 2568"});
}

// The real binary on a site that answers 304 to every repeat request.
class CarryDatesRunTest : public testing::Test {
 protected:
  void SetUp() override {
    auto page = [](const std::string& body) {
      return [body](const TestRequest& req) {
        auto inm = req.headers.find("if-none-match");
        if (inm != req.headers.end() && inm->second == "\"e1\"") {
          return TestResponse{304, "", "", {{"ETag", "\"e1\""}}};
        }
        return TestResponse{200,
                            "text/html; charset=utf-8",
                            "<!doctype html><html><head><title>เขตหลักสี่ "
                            "พ.ศ. 2568</title></head><body>" +
                                body + "</body></html>",
                            {{"ETag", "\"e1\""}}};
      };
    };
    server_.Route("/robots.txt", TestResponse{200, "text/plain", "", {}});
    server_.Route("/laksi/",
                  page("<a href=\"/laksi/ita\">ITA การเปิดเผยข้อมูลสาธารณะ</a>"
                       "<a href=\"/laksi/news\">ข่าวประชาสัมพันธ์ 1 ม.ค. 2568</a>"
                       "<h1>สำนักงานเขตหลักสี่</h1>"));
    server_.Route("/laksi/ita",
                  page("<h1>การเปิดเผยข้อมูลสาธารณะ (OIT) ประจำปีงบประมาณ พ.ศ. "
                       "2568</h1><p>ปรับปรุงเมื่อ 3 กุมภาพันธ์ 2568</p>"
                       "<a href=\"/laksi/plan\">แผนปฏิบัติราชการประจำปี พ.ศ. "
                       "2568</a><a href=\"/laksi/\">หน้าหลัก</a>"));
    server_.Route("/laksi/plan",
                  page("<h1>แผนปฏิบัติราชการประจำปีงบประมาณ พ.ศ. 2568</h1>"
                       "<p>ประกาศ ณ วันที่ 1 ตุลาคม 2567</p>"));
    server_.Route("/laksi/news",
                  page("<p>ประชุม 5 มีนาคม 2568</p><a href=\"/laksi/\">กลับ</a>"));
    ASSERT_TRUE(server_.Start());
    dir_ = MakeTempDir();
    sites_ = dir_ + "/sites.yaml";
    ASSERT_TRUE(WriteFile(sites_,
                          "sites:\n  - id: laksi\n    name: สำนักงานเขตหลักสี่\n"
                          "    name_en: Lak Si\n    url: " +
                              server_.url("/laksi/") + "\n"));
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Db() const { return dir_ + "/o.db"; }

  void Run() {
    ProcessResult r =
        RunProcess({OITWATCH_BINARY, "run", "--sites", sites_, "--rules",
                    std::string(OITWATCH_SOURCE_DIR) +
                        "/config/rules/bma-district-2568.yaml",
                    "--db", Db(), "--as-of", "2025-04-10", "--host-delay-ms",
                    "0", "--allow-address", "127.0.0.1", "--timeout-ms", "5000",
                    "--format", "none", "--quiet"},
                   120);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  // url -> its dates as ListDates gives them, for every page of `run`.
  std::map<std::string, std::vector<std::string>> Dates(int64_t run) {
    std::string err;
    std::unique_ptr<Store> store = Store::Open(Db(), &err);
    EXPECT_NE(store, nullptr) << err;
    std::vector<PageRecord> pages;
    EXPECT_TRUE(store->ListPages(run, "laksi", &pages, &err)) << err;
    std::map<std::string, std::vector<std::string>> dates;
    for (const PageRecord& p : pages) {
      std::vector<DateFact> listed;
      EXPECT_TRUE(store->ListDates(run, "laksi", p.url, &listed, &err)) << err;
      dates[p.url] = Texts(listed);
    }
    return dates;
  }

  // `oitwatch explain` of every item in `run`, fetch times and run number
  // masked (they are the run's own).
  std::string Explain(int run) {
    std::string out;
    for (int item = 1; item <= 22; ++item) {
      ProcessResult r = RunProcess(
          {OITWATCH_BINARY, "explain", "--db", Db(), "--site", "laksi",
           "--item", "O" + std::to_string(item), "--run", std::to_string(run)},
          60);
      EXPECT_EQ(r.exit_code, 0) << r.err;
      out += r.out;
    }
    out =
        std::regex_replace(out, std::regex("fetched [0-9T:Z-]+"), "fetched T");
    return std::regex_replace(out, std::regex("run #[0-9]+"), "run #N");
  }

  // The lines of `explain` output that list dates, in order.
  static std::string DateLines(const std::string& explained) {
    std::string lines;
    size_t at = 0;
    while (at < explained.size()) {
      size_t end = explained.find('\n', at);
      if (end == std::string::npos) end = explained.size();
      const std::string line = explained.substr(at, end - at);
      if (line.find("(date") != std::string::npos) lines += line + "\n";
      at = end + 1;
    }
    return lines;
  }

  TestServer server_;
  std::string dir_, sites_;
};

TEST_F(CarryDatesRunTest, UnchangedRecrawlWritesNoBodyDatesAndExplainsTheSame) {
  Run();
  int64_t body_rows = 0;
  {
    SQLite::Database db(Db());
    body_rows = BodyDates(db);
    EXPECT_EQ(Count(db, "SELECT count(*) FROM page_dates"), 4)
        << "one row per page";
  }
  ASSERT_GE(body_rows, 4) << "the fixture's pages have dates in their bodies";
  Run();
  Run();
  SQLite::Database db(Db());
  EXPECT_EQ(BodyDates(db), body_rows) << "carried, not copied";
  EXPECT_EQ(Count(db, "SELECT count(*) FROM page_dates"), 4);
  EXPECT_EQ(Count(db,
                  "SELECT count(*) FROM pages p JOIN pages h ON h.id = "
                  "p.dates_from WHERE p.run_id = 3 AND h.run_id = 1"),
            4)
      << "run 3 refers to run 1's rows directly";
  const auto first = Dates(1);
  ASSERT_EQ(first.size(), 4u);
  EXPECT_EQ(Dates(2), first);
  EXPECT_EQ(Dates(3), first);
  // Run 1 fetched with 200s, runs 2 and 3 re-used with 304s: the status
  // lines differ, the dates read do not.
  const std::string explained = Explain(2);
  const std::string dates = DateLines(explained);
  EXPECT_NE(dates.find("page_text"), std::string::npos) << dates;
  EXPECT_EQ(DateLines(Explain(1)), dates);
  EXPECT_TRUE(Explain(3) == explained) << "explain differs between runs 2, 3";
}

}  // namespace
}  // namespace oitwatch
