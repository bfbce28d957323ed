// Tests of the SQLite evidence store against real database files, each in its
// own temporary directory. A second raw sqlite3 connection plays the other
// program (foreign files, a writer holding the lock, damaged files).
#include "storage/store.h"
#include "storage/schema.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace oitwatch {
namespace {

// Every test gets fresh directories (one per TempDbPath() call), removed
// when the test ends.
class StoreTest : public testing::Test {
 protected:
  void TearDown() override {
    for (const std::string& dir : dirs_) std::filesystem::remove_all(dir);
  }

  // Returns "<new dir>/oit.db".
  std::string TempDbPath() {
    std::string dir_template = testing::TempDir() + "/store_test_XXXXXX";
    char* dir = mkdtemp(dir_template.data());
    EXPECT_NE(dir, nullptr);
    dirs_.push_back(dir_template);
    return dir_template + "/oit.db";
  }

 private:
  std::vector<std::string> dirs_;
};

std::unique_ptr<Store> OpenOrDie(const std::string& path,
                                 const StoreOptions& options = {}) {
  std::string err;
  std::unique_ptr<Store> store = Store::Open(path, options, &err);
  EXPECT_NE(store, nullptr) << err;
  return store;
}

// Runs `sql` on its own connection; returns SQLite's error text or "".
std::string RawExec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  char* msg = nullptr;
  std::string err;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &msg) != SQLITE_OK) {
    err = msg ? msg : "error";
  }
  sqlite3_free(msg);
  sqlite3_close(db);
  return err;
}

int64_t BeginRunOrDie(Store* store, const std::string& as_of = "2025-04-10") {
  RunInfo info;
  info.ruleset_id = "bma-district";
  info.ruleset_version = "2568.1";
  info.fiscal_year = 2568;
  info.as_of = as_of;
  int64_t run_id = 0;
  std::string err;
  EXPECT_TRUE(store->BeginRun(info, &run_id, &err)) << err;
  return run_id;
}

PageRecord MakePage(const std::string& url, int status = 200) {
  PageRecord page;
  page.site_id = "phranakhon";
  page.url = url;
  page.kind = "page";
  page.outcome = status >= 200 && status < 300 ? "ok" : "http_error";
  page.http_status = status;
  page.content_type = "text/html; charset=utf-8";
  page.fetched_at = "2025-04-10T02:00:00Z";
  page.title = "สำนักงานเขตพระนคร";
  return page;
}

void SavePageOrDie(Store* store, int64_t run_id, const PageRecord& page) {
  std::string err;
  ASSERT_TRUE(store->SavePage(run_id, page, {}, {}, {}, &err)) << err;
}

std::vector<PageRecord> Pages(Store* store, int64_t run_id) {
  std::vector<PageRecord> pages;
  std::string err;
  EXPECT_TRUE(store->ListPages(run_id, "phranakhon", &pages, &err)) << err;
  return pages;
}

TEST_F(StoreTest, FreshDatabaseIsWalFullSyncWithOurIdentity) {
  std::unique_ptr<Store> store = OpenOrDie(TempDbPath());
  StoreSettings settings;
  std::string err;
  ASSERT_TRUE(store->ReadSettings(&settings, &err)) << err;
  EXPECT_EQ(settings.journal_mode, "wal");
  EXPECT_EQ(settings.synchronous, 2);
  EXPECT_TRUE(settings.foreign_keys);
  EXPECT_EQ(settings.busy_timeout_ms, 10000);
  EXPECT_EQ(settings.application_id, 0x4F495457);
  EXPECT_EQ(settings.user_version, StoreSchemaVersion());
  EXPECT_EQ(store->schema_version(), StoreSchemaVersion());
  EXPECT_GE(StoreSchemaVersion(), 1);
}

TEST_F(StoreTest, ReopenKeepsCommittedData) {
  std::string path = TempDbPath();
  int64_t run_id = 0;
  {
    std::unique_ptr<Store> store = OpenOrDie(path);
    run_id = BeginRunOrDie(store.get());
    SavePageOrDie(store.get(), run_id, MakePage("https://a.go.th/"));
  }
  std::unique_ptr<Store> store = OpenOrDie(path);
  std::vector<PageRecord> pages = Pages(store.get(), run_id);
  ASSERT_EQ(pages.size(), 1u);
  EXPECT_EQ(pages[0].title, "สำนักงานเขตพระนคร");
  EXPECT_EQ(pages[0].fetched_at, "2025-04-10T02:00:00Z");
}

TEST_F(StoreTest, HistoryIsKeptAcrossRuns) {
  std::unique_ptr<Store> store = OpenOrDie(TempDbPath());
  PageRecord page = MakePage("https://a.go.th/");
  int64_t first = BeginRunOrDie(store.get());
  page.title = "old";
  SavePageOrDie(store.get(), first, page);
  int64_t second = BeginRunOrDie(store.get());
  page.title = "new";
  SavePageOrDie(store.get(), second, page);
  EXPECT_NE(first, second);
  EXPECT_EQ(Pages(store.get(), first).at(0).title, "old");
  EXPECT_EQ(Pages(store.get(), second).at(0).title, "new");
}

TEST_F(StoreTest, SavingSameUrlAgainInOneRunReplacesPageAndItsRows) {
  std::unique_ptr<Store> store = OpenOrDie(TempDbPath());
  int64_t run_id = BeginRunOrDie(store.get());
  Hit hit{"O1", "structure", "https://a.go.th/", "", Field::kTitle, "x", 7};
  DateFact date;
  date.field = Field::kTitle;
  std::string err;
  for (const char* title : {"first", "second"}) {
    PageRecord page = MakePage("https://a.go.th/");
    page.title = title;
    ASSERT_TRUE(store->SavePage(run_id, page, {{"https://a.go.th/x", "x"}},
                                {hit}, {date}, &err))
        << err;
  }
  std::vector<Hit> hits;
  std::vector<DateFact> dates;
  ASSERT_TRUE(store->ListHits(run_id, "phranakhon", "O1", &hits, &err)) << err;
  ASSERT_TRUE(
      store->ListDates(run_id, "phranakhon", "https://a.go.th/", &dates, &err))
      << err;
  EXPECT_EQ(hits.size(), 1u);
  EXPECT_EQ(dates.size(), 1u);
  ASSERT_EQ(Pages(store.get(), run_id).size(), 1u);
  EXPECT_EQ(Pages(store.get(), run_id)[0].title, "second");
}

TEST_F(StoreTest, BeginRunMarksLeftoverRunningRunsInterrupted) {
  std::string path = TempDbPath();
  int64_t killed = 0;
  {
    std::unique_ptr<Store> store = OpenOrDie(path);
    killed = BeginRunOrDie(store.get());  // never finished: "kill -9"
  }
  std::unique_ptr<Store> store = OpenOrDie(path);
  int64_t next = BeginRunOrDie(store.get());
  RunInfo info;
  std::string err;
  ASSERT_TRUE(store->GetRun(killed, &info, &err)) << err;
  EXPECT_EQ(info.status, "interrupted");
  ASSERT_TRUE(store->GetRun(next, &info, &err)) << err;
  EXPECT_EQ(info.status, "running");
  EXPECT_EQ(info.fiscal_year, 2568);
  EXPECT_EQ(info.started_at.size(), 20u) << info.started_at;  // ...T..:..:..Z
}

// The parent holds no connection across fork(); the child opens its own,
// commits, and is killed without closing it (a hot WAL is left behind).
TEST_F(StoreTest, KilledWriterLosesNothingAcknowledged) {
  std::string path = TempDbPath();
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    std::string err;
    std::unique_ptr<Store> store = Store::Open(path, &err);
    int64_t run_id = 0;
    if (!store || !store->BeginRun(RunInfo{}, &run_id, &err)) _exit(3);
    for (int i = 0; i < 30; ++i) {
      PageRecord page = MakePage("https://a.go.th/p" + std::to_string(i));
      if (!store->SavePage(run_id, page, {}, {}, {}, &err)) _exit(4);
    }
    raise(SIGKILL);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;
  std::unique_ptr<Store> store = OpenOrDie(path);
  std::string err;
  ASSERT_TRUE(store->CheckIntegrity(&err)) << err;
  int64_t killed = 0;
  ASSERT_TRUE(store->LatestRun(false, &killed, &err)) << err;
  EXPECT_EQ(Pages(store.get(), killed).size(), 30u);
  BeginRunOrDie(store.get());
  RunInfo info;
  ASSERT_TRUE(store->GetRun(killed, &info, &err)) << err;
  EXPECT_EQ(info.status, "interrupted");
}

TEST_F(StoreTest, FinishRunRecordsStatusAndTime) {
  std::unique_ptr<Store> store = OpenOrDie(TempDbPath());
  int64_t run_id = BeginRunOrDie(store.get());
  std::string err;
  ASSERT_TRUE(store->FinishRun(run_id, "finished", &err)) << err;
  RunInfo info;
  ASSERT_TRUE(store->GetRun(run_id, &info, &err)) << err;
  EXPECT_EQ(info.status, "finished");
  EXPECT_EQ(info.finished_at.back(), 'Z');
}

TEST_F(StoreTest, FinishRunRejectsUnknownStatusAndUnknownRun) {
  std::unique_ptr<Store> store = OpenOrDie(TempDbPath());
  int64_t run_id = BeginRunOrDie(store.get());
  std::string err;
  EXPECT_FALSE(store->FinishRun(run_id, "done", &err));
  EXPECT_NE(err.find("bad status 'done'"), std::string::npos) << err;
  EXPECT_FALSE(store->FinishRun(run_id + 100, "finished", &err));
  EXPECT_NE(err.find("no such run"), std::string::npos) << err;
}

TEST_F(StoreTest, RefusesDatabaseOfAnotherApplication) {
  std::string path = TempDbPath();
  ASSERT_EQ(RawExec(path, "PRAGMA application_id=1234; CREATE TABLE t(x);"),
            "");
  std::string err;
  EXPECT_EQ(Store::Open(path, &err), nullptr);
  EXPECT_NE(err.find("not an oitwatch database"), std::string::npos) << err;
  EXPECT_EQ(err.rfind(path, 0), 0u) << err;  // starts with the path
}

TEST_F(StoreTest, RefusesPlainSqliteDatabaseWithTables) {
  std::string path = TempDbPath();
  ASSERT_EQ(RawExec(path, "CREATE TABLE customers(name TEXT);"), "");
  std::string err;
  EXPECT_EQ(Store::Open(path, &err), nullptr);
  EXPECT_NE(err.find("not an oitwatch database"), std::string::npos) << err;
  EXPECT_EQ(RawExec(path, "SELECT * FROM customers;"), "");  // untouched
}

TEST_F(StoreTest, RefusesTextFile) {
  std::string path = TempDbPath();
  std::ofstream(path) << "site_id\tname\nphranakhon\tพระนคร\n"
                      << std::string(200, 'x') << "\n";
  std::string err;
  EXPECT_EQ(Store::Open(path, &err), nullptr);
  EXPECT_NE(err.find("not an SQLite database"), std::string::npos) << err;
}

TEST_F(StoreTest, RefusesNewerSchemaVersion) {
  std::string path = TempDbPath();
  OpenOrDie(path).reset();
  ASSERT_EQ(RawExec(path, "PRAGMA user_version=99;"), "");
  std::string err;
  EXPECT_EQ(Store::Open(path, &err), nullptr);
  EXPECT_NE(err.find("newer oitwatch (schema version 99"), std::string::npos)
      << err;
}

// 200 pages with long titles in a store at `path`, closed (checkpointed):
// a file of many pages to damage.
void SaveManyPages(const std::string& path) {
  std::unique_ptr<Store> store = OpenOrDie(path);
  int64_t run_id = BeginRunOrDie(store.get());
  for (int i = 0; i < 200; ++i) {
    PageRecord page = MakePage("https://a.go.th/p" + std::to_string(i));
    page.title = std::string(300, 'a' + i % 26);
    SavePageOrDie(store.get(), run_id, page);
  }
}

TEST_F(StoreTest, RefusesCorruptFile) {
  std::string path = TempDbPath();
  SaveManyPages(path);
  ASSERT_FALSE(std::filesystem::exists(path + "-wal"));  // checkpointed
  uintmax_t size = std::filesystem::file_size(path);
  ASSERT_GT(size, 16 * 4096u);
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  for (uintmax_t at = 4096; at + 4096 < size; at += 8192) {  // every 2nd page
    file.seekp(static_cast<std::streamoff>(at));
    file << std::string(4096, '\xA5');
  }
  file.close();
  std::string err;
  EXPECT_EQ(Store::Open(path, &err), nullptr);
  EXPECT_NE(err.find("corrupt"), std::string::npos) << err;
}

// A second connection to a file this process holds open skips the
// quick_check the first one ran (the crawl's reader); once every connection
// is closed, the next Open checks again.
TEST_F(StoreTest, CorruptionIsFoundAgainAfterEveryConnectionClosed) {
  std::string path = TempDbPath();
  {
    std::unique_ptr<Store> writer = OpenOrDie(path);
    std::unique_ptr<Store> reader = OpenOrDie(path);
    int64_t run_id = BeginRunOrDie(writer.get());
    for (int i = 0; i < 200; ++i) {
      PageRecord page = MakePage("https://a.go.th/p" + std::to_string(i));
      page.title = std::string(300, 'a' + i % 26);
      SavePageOrDie(writer.get(), run_id, page);
    }
  }
  ASSERT_FALSE(std::filesystem::exists(path + "-wal"));  // checkpointed
  uintmax_t size = std::filesystem::file_size(path);
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  for (uintmax_t at = 4096; at + 4096 < size; at += 8192) {
    file.seekp(static_cast<std::streamoff>(at));
    file << std::string(4096, '\xA5');
  }
  file.close();
  std::string err;
  EXPECT_EQ(Store::Open(path, &err), nullptr);
  EXPECT_NE(err.find("corrupt"), std::string::npos) << err;
}

// Overwrites the file's pages from `first` (0-based) on, every `step`-th.
void DamagePages(const std::string& path, uintmax_t first, uintmax_t step) {
  uintmax_t size = std::filesystem::file_size(path);
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  for (uintmax_t at = first * 4096; at + 4096 <= size; at += step * 4096) {
    file.seekp(static_cast<std::streamoff>(at));
    file << std::string(4096, '\xA5');
  }
}

// Damage that only quick_check finds: the file's last page (a page of the
// saved rows, which opening the file does not read).
void DamageLastPage(const std::string& path) {
  DamagePages(path, std::filesystem::file_size(path) / 4096 - 1, 1);
}

// A check made ahead (`oitwatch run` makes it while the rules load) stands
// for Open's own while it lives: a file damaged after it passed opens (the
// damage is after the check, as it could be after Open's); once the check
// is gone, Open checks again and refuses the file.
TEST_F(StoreTest, CheckAheadStandsForOpensCheckWhileItLives) {
  std::string path = TempDbPath();
  SaveManyPages(path);
  ASSERT_FALSE(std::filesystem::exists(path + "-wal"));  // checkpointed
  std::string err;
  {
    StoreCheckAhead checking(path);
    checking.Wait();
    EXPECT_TRUE(checking.passed());
    DamageLastPage(path);
    EXPECT_NE(Store::Open(path, &err), nullptr) << err;
  }
  EXPECT_EQ(Store::Open(path, &err), nullptr);
  EXPECT_NE(err.find("corrupt"), std::string::npos) << err;
}

// A damaged file fails the check made ahead, and Open still refuses it with
// its own message; a file that is not there yet, or not an oitwatch
// database, passes nothing either (Open creates the one, refuses the other).
TEST_F(StoreTest, CheckAheadThatFailsLeavesOpenToSayWhy) {
  std::string path = TempDbPath();
  SaveManyPages(path);
  DamagePages(path, 1, 2);
  std::string err;
  {
    StoreCheckAhead checking(path);
    checking.Wait();
    EXPECT_FALSE(checking.passed());
    EXPECT_EQ(Store::Open(path, &err), nullptr);
    EXPECT_NE(err.find("corrupt"), std::string::npos) << err;
  }
  const std::string fresh = TempDbPath();
  {
    StoreCheckAhead checking(fresh);
    checking.Wait();
    EXPECT_FALSE(checking.passed());
    EXPECT_NE(Store::Open(fresh, &err), nullptr) << err;
  }
  const std::string other = TempDbPath();
  ASSERT_EQ(RawExec(other, "CREATE TABLE t (x); PRAGMA application_id=7;"), "");
  {
    StoreCheckAhead checking(other);
    checking.Wait();
    EXPECT_FALSE(checking.passed());
    EXPECT_EQ(Store::Open(other, &err), nullptr);
    EXPECT_NE(err.find("not an oitwatch database"), std::string::npos) << err;
  }
}

// Dropped at once (a usage error found while it checks), it interrupts its
// check or lets it end, and stands for nothing afterwards: the next Open
// checks the file itself and finds what was damaged since.
TEST_F(StoreTest, CheckAheadDroppedAtOnceStandsForNothing) {
  std::string path = TempDbPath();
  SaveManyPages(path);
  { StoreCheckAhead checking(path); }
  DamageLastPage(path);
  std::string err;
  EXPECT_EQ(Store::Open(path, &err), nullptr);
  EXPECT_NE(err.find("corrupt"), std::string::npos) << err;
}

TEST_F(StoreTest, OpenInMissingDirectoryFailsWithPath) {
  std::string path = TempDbPath() + ".d/nope/oit.db";
  std::string err;
  EXPECT_EQ(Store::Open(path, &err), nullptr);
  EXPECT_EQ(err.rfind(path + ": open: ", 0), 0u) << err;
}

TEST_F(StoreTest, NulByteInTitleSurvives) {
  std::unique_ptr<Store> store = OpenOrDie(TempDbPath());
  int64_t run_id = BeginRunOrDie(store.get());
  PageRecord page = MakePage("https://a.go.th/");
  page.title = std::string("ก\0ข", 7);  // two Thai letters around a NUL
  ASSERT_EQ(page.title.size(), 7u);
  SavePageOrDie(store.get(), run_id, page);
  EXPECT_EQ(Pages(store.get(), run_id).at(0).title, page.title);
}

std::vector<ItemVerdict> SampleVerdicts() {
  ItemVerdict o2{"O2", "ข้อมูลผู้บริหาร", ItemStatus::kPass, "", {}, {}, {}};
  ItemVerdict o1{"O1",       "โครงสร้าง",        ItemStatus::kPartial,
                 "ขาดแผนผัง", {"แผนผังโครงสร้าง"}, {"2567-10", "2567-11"},
                 {}};
  o1.evidence.push_back({"chart", "https://a.go.th/s.pdf", "https://a.go.th/",
                         "โครงสร้าง", "link_text", "2025-01-15", 2568,
                         "doc_text", "ok"});
  o1.evidence.push_back({"chart", "https://a.go.th/old.pdf", "", "old", "url",
                         "", 0, "", "no_date"});
  ItemVerdict o3{"O3", "อำนาจหน้าที่", ItemStatus::kUnchecked, "403", {}, {}, {}};
  return {o2, o1, o3};  // rule-set order, not id order
}

TEST_F(StoreTest, VerdictsRoundTripInStoredOrderWithEvidence) {
  std::unique_ptr<Store> store = OpenOrDie(TempDbPath());
  int64_t run_id = BeginRunOrDie(store.get());
  SiteRunInfo site;
  site.site_id = "phranakhon";
  site.state = "checked";
  site.pages = 12;
  std::string err;
  ASSERT_TRUE(store->SaveSiteResult(run_id, site, SampleVerdicts(), &err))
      << err;
  std::vector<ItemVerdict> got;
  ASSERT_TRUE(store->ListVerdicts(run_id, "phranakhon", &got, &err)) << err;
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].item_id, "O2");
  EXPECT_EQ(got[2].status, ItemStatus::kUnchecked);
  const ItemVerdict& o1 = got[1];
  EXPECT_EQ(o1.status, ItemStatus::kPartial);
  EXPECT_EQ(o1.reason, "ขาดแผนผัง");
  EXPECT_EQ(o1.missing_components, std::vector<std::string>{"แผนผังโครงสร้าง"});
  EXPECT_EQ(o1.missing_months,
            (std::vector<std::string>{"2567-10", "2567-11"}));
  ASSERT_EQ(o1.evidence.size(), 2u);
  EXPECT_EQ(o1.evidence[0].url, "https://a.go.th/s.pdf");
  EXPECT_EQ(o1.evidence[0].fiscal_year, 2568);
  EXPECT_EQ(o1.evidence[1].state, "no_date");
}

TEST_F(StoreTest, UnreadableVerdictRowGivesClearError) {
  std::string path = TempDbPath();
  std::unique_ptr<Store> store = OpenOrDie(path);
  int64_t run_id = BeginRunOrDie(store.get());
  SiteRunInfo site;
  site.site_id = "phranakhon";
  std::string err;
  ASSERT_TRUE(store->SaveSiteResult(run_id, site, SampleVerdicts(), &err));
  ASSERT_EQ(RawExec(path,
                    "UPDATE item_states SET status = 'bogus' "
                    "WHERE item_id = 'O1'"),
            "");
  std::vector<ItemVerdict> verdicts;
  EXPECT_FALSE(store->ListVerdicts(run_id, "phranakhon", &verdicts, &err));
  EXPECT_NE(err.find("unknown item status 'bogus'"), std::string::npos) << err;
}

TEST_F(StoreTest, SiteResultJoinsSiteAndReplacesEarlierResult) {
  std::unique_ptr<Store> store = OpenOrDie(TempDbPath());
  std::string err;
  SiteRow row{"phranakhon",
              "สำนักงานเขตพระนคร",
              "Phra Nakhon",
              "https://a.go.th/",
              {"webmaster@a.go.th"}};
  ASSERT_TRUE(store->UpsertSite(row, &err)) << err;
  int64_t run_id = BeginRunOrDie(store.get());
  SiteRunInfo site;
  site.site_id = "phranakhon";
  site.state = "pending";
  ASSERT_TRUE(store->SaveSiteResult(run_id, site, SampleVerdicts(), &err));
  site.state = "checked";
  ASSERT_TRUE(store->SaveSiteResult(run_id, site, {}, &err)) << err;
  std::vector<SiteRunInfo> sites;
  ASSERT_TRUE(store->ListSiteRuns(run_id, &sites, &err)) << err;
  ASSERT_EQ(sites.size(), 1u);
  EXPECT_EQ(sites[0].state, "checked");
  EXPECT_EQ(sites[0].name, "สำนักงานเขตพระนคร");
  std::vector<ItemVerdict> verdicts;
  ASSERT_TRUE(store->ListVerdicts(run_id, "phranakhon", &verdicts, &err));
  EXPECT_TRUE(verdicts.empty());
  SiteRow back;
  ASSERT_TRUE(store->GetSite("phranakhon", &back, &err)) << err;
  EXPECT_EQ(back.contacts, std::vector<std::string>{"webmaster@a.go.th"});
}

TEST_F(StoreTest, HitsAndDatesRoundTrip) {
  std::unique_ptr<Store> store = OpenOrDie(TempDbPath());
  int64_t run_id = BeginRunOrDie(store.get());
  Hit hit{"O5",
          "plan",
          "https://a.go.th/plan.pdf",
          "https://a.go.th/",
          Field::kLinkText,
          "แผนปฏิบัติราชการ ประจำปี",
          41};
  DateFact date{Field::kDocText, "doc_text", 2568, 2568, 1, 15, true,
                "๑๕ ม.ค. ๖๘",    ""};
  std::string err;
  ASSERT_TRUE(store->SavePage(run_id, MakePage("https://a.go.th/plan.pdf"), {},
                              {hit}, {date}, &err))
      << err;
  std::vector<Hit> hits;
  ASSERT_TRUE(store->ListHits(run_id, "phranakhon", "O5", &hits, &err)) << err;
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].field, Field::kLinkText);
  EXPECT_EQ(hits[0].matched, hit.matched);
  EXPECT_EQ(hits[0].pattern_line, 41);
  std::vector<DateFact> dates;
  ASSERT_TRUE(store->ListDates(run_id, "phranakhon", "https://a.go.th/plan.pdf",
                               &dates, &err));
  ASSERT_EQ(dates.size(), 1u);
  EXPECT_EQ(dates[0].field, Field::kDocText);
  EXPECT_TRUE(dates[0].fiscal_marker);
  EXPECT_EQ(dates[0].day, 15);
  EXPECT_EQ(dates[0].text, "๑๕ ม.ค. ๖๘");
}

TEST_F(StoreTest, DateAboutLinkTargetIsListedUnderTarget) {
  std::unique_ptr<Store> store = OpenOrDie(TempDbPath());
  int64_t run_id = BeginRunOrDie(store.get());
  DateFact date;
  date.source = "link_text";
  date.year_be = 2568;
  date.url = "https://a.go.th/plan2568.pdf";
  std::string err;
  ASSERT_TRUE(store->SavePage(run_id, MakePage("https://a.go.th/"), {}, {},
                              {date}, &err))
      << err;
  std::vector<DateFact> dates;
  ASSERT_TRUE(store->ListDates(run_id, "phranakhon", date.url, &dates, &err));
  ASSERT_EQ(dates.size(), 1u);
  EXPECT_EQ(dates[0].year_be, 2568);
  ASSERT_TRUE(
      store->ListDates(run_id, "phranakhon", "https://a.go.th/", &dates, &err));
  EXPECT_TRUE(dates.empty());
}

TEST_F(StoreTest, LatestRunFinishedOnlySkipsRunningAndFailed) {
  std::unique_ptr<Store> store = OpenOrDie(TempDbPath());
  int64_t run_id = 0;
  std::string err;
  EXPECT_FALSE(store->LatestRun(true, &run_id, &err));
  EXPECT_NE(err.find("no finished run"), std::string::npos) << err;
  int64_t good = BeginRunOrDie(store.get());
  ASSERT_TRUE(store->FinishRun(good, "finished", &err)) << err;
  int64_t failed = BeginRunOrDie(store.get());
  ASSERT_TRUE(store->FinishRun(failed, "failed", &err)) << err;
  int64_t running = BeginRunOrDie(store.get());
  ASSERT_TRUE(store->LatestRun(true, &run_id, &err)) << err;
  EXPECT_EQ(run_id, good);
  ASSERT_TRUE(store->LatestRun(false, &run_id, &err)) << err;
  EXPECT_EQ(run_id, running);
}

TEST_F(StoreTest, LastGoodPagePicksNewest2xxOfEarlierRuns) {
  std::unique_ptr<Store> store = OpenOrDie(TempDbPath());
  const std::string url = "https://a.go.th/plan.pdf";
  PageRecord page = MakePage(url);
  page.etag = "\"v1\"";
  SavePageOrDie(store.get(), BeginRunOrDie(store.get()), page);
  page.etag = "\"v2\"";
  SavePageOrDie(store.get(), BeginRunOrDie(store.get()), page);
  SavePageOrDie(store.get(), BeginRunOrDie(store.get()), MakePage(url, 404));
  PageRecord got;
  std::string err;
  ASSERT_TRUE(store->LastGoodPage("phranakhon", url, &got, &err)) << err;
  EXPECT_EQ(got.etag, "\"v2\"");
  EXPECT_FALSE(store->LastGoodPage("phranakhon", url + "?x", &got, &err));
}

TEST_F(StoreTest, DiskFullFailsCleanlyAndKeepsEarlierData) {
  std::string path = TempDbPath();
  int64_t run_id = 0;
  {
    std::unique_ptr<Store> store = OpenOrDie(path);
    run_id = BeginRunOrDie(store.get());
    SavePageOrDie(store.get(), run_id, MakePage("https://a.go.th/"));
  }
  StoreOptions full;
  full.max_page_count = 1;  // clamped to the current size: no growth
  std::unique_ptr<Store> store = OpenOrDie(path, full);
  PageRecord big = MakePage("https://a.go.th/big");
  big.title = std::string(1 << 20, 'x');
  std::string err;
  EXPECT_FALSE(store->SavePage(run_id, big, {}, {}, {}, &err));
  EXPECT_NE(err.find("full"), std::string::npos) << err;
  EXPECT_EQ(err.rfind(path, 0), 0u) << err;
  ASSERT_TRUE(store->CheckIntegrity(&err)) << err;
  ASSERT_EQ(Pages(store.get(), run_id).size(), 1u);
  EXPECT_EQ(Pages(store.get(), run_id)[0].url, "https://a.go.th/");
}

TEST_F(StoreTest, WriteWaitsForOtherWriterThenFailsCleanly) {
  std::string path = TempDbPath();
  StoreOptions quick;
  quick.busy_timeout_ms = 100;
  std::unique_ptr<Store> store = OpenOrDie(path, quick);
  int64_t run_id = BeginRunOrDie(store.get());
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr),
            SQLITE_OK);
  std::string err;
  EXPECT_FALSE(
      store->SavePage(run_id, MakePage("https://a.go.th/"), {}, {}, {}, &err));
  EXPECT_NE(err.find("locked"), std::string::npos) << err;
  sqlite3_exec(other, "COMMIT", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  SavePageOrDie(store.get(), run_id, MakePage("https://a.go.th/"));
  EXPECT_EQ(Pages(store.get(), run_id).size(), 1u);
}

TEST_F(StoreTest, SnapshotDoesNotSeeCommitsMadeDuringIt) {
  std::string path = TempDbPath();
  std::unique_ptr<Store> reader = OpenOrDie(path);
  std::unique_ptr<Store> writer = OpenOrDie(path);
  BeginRunOrDie(writer.get());
  std::string err;
  ASSERT_TRUE(reader->BeginSnapshot(&err)) << err;
  BeginRunOrDie(writer.get());  // WAL: the writer is not blocked
  std::vector<RunInfo> runs;
  ASSERT_TRUE(reader->ListRuns(&runs, &err)) << err;
  EXPECT_EQ(runs.size(), 1u);
  reader->EndSnapshot();
  ASSERT_TRUE(reader->ListRuns(&runs, &err)) << err;
  EXPECT_EQ(runs.size(), 2u);
}

}  // namespace
}  // namespace oitwatch
