// ParsePool: ForEach calls fn once for every index, on the caller's thread
// and its helpers, and returns only when all calls have returned; batch after
// batch on the same threads; Submit returns at once, Finish completes a job
// (running it, or others, on the caller), Drop skips one not started.
#include "app/parse_pool.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "storage/links_blob.h"
#include "tests/test_pdf.h"
#include "tests/test_process.h"
#include "tests/test_server.h"

namespace oitwatch {
namespace {

TEST(ParsePoolTest, EveryIndexRunsExactlyOnceWhateverTheHelperCount) {
  for (int helpers : {0, 1, 3}) {
    ParsePool pool(helpers);
    EXPECT_EQ(pool.helpers(), helpers);
    for (size_t n : {size_t{0}, size_t{1}, size_t{2}, size_t{7}, size_t{500}}) {
      std::vector<std::atomic<int>> calls(n);
      pool.ForEach(n, [&](size_t i) { calls[i].fetch_add(1); });
      for (size_t i = 0; i < n; ++i) {
        EXPECT_EQ(calls[i].load(), 1) << "helpers " << helpers << " n " << n
                                      << " index " << i;
      }
    }
  }
}

TEST(ParsePoolTest, ForEachReturnsOnlyAfterEveryCallReturned) {
  ParsePool pool(2);
  for (int batch = 0; batch < 50; ++batch) {
    std::atomic<int> finished{0};
    pool.ForEach(16, [&](size_t i) {
      if (i % 4 == 0) std::this_thread::yield();
      finished.fetch_add(1);
    });
    ASSERT_EQ(finished.load(), 16) << "batch " << batch;
  }
}

TEST(ParsePoolTest, HelpersShareTheWorkWithTheCaller) {
  ParsePool pool(1);
  std::mutex mu;
  std::set<std::thread::id> threads;
  // Each call waits until a second thread has joined in, so the batch can
  // only finish if the helper really takes indices (bounded: no hang).
  std::atomic<int> started{0};
  pool.ForEach(2, [&](size_t) {
    started.fetch_add(1);
    for (int spin = 0; spin < 2000000 && started.load() < 2; ++spin) {
      std::this_thread::yield();
    }
    std::lock_guard<std::mutex> lock(mu);
    threads.insert(std::this_thread::get_id());
  });
  EXPECT_EQ(threads.size(), 2u);
  EXPECT_TRUE(threads.count(std::this_thread::get_id()));
}

// Spins (yielding, bounded: a broken pool fails instead of hanging) until
// `flag` is set; true if it was.
bool AwaitFlag(const std::atomic<bool>& flag) {
  for (int spin = 0; spin < 4000000 && !flag.load(); ++spin) {
    std::this_thread::yield();
  }
  return flag.load();
}

// Submit returns at once: the helper runs the job while the caller does its
// own work (the job waits for the caller to be working, so it can only see
// that if Submit returned first), and Finish returns once it has run.
TEST(ParsePoolTest, SubmitReturnsAtOnceAndAHelperRunsTheJob) {
  ParsePool pool(1);
  for (int round = 0; round < 20; ++round) {
    std::atomic<bool> caller_working{false};
    bool saw_caller = false;
    ParsePool::Ticket t =
        pool.Submit([&] { saw_caller = AwaitFlag(caller_working); });
    caller_working.store(true);
    pool.Finish(t);
    EXPECT_TRUE(pool.Done(t));
    EXPECT_TRUE(saw_caller) << "round " << round;
  }
}

// With no helpers the job waits for Finish, which runs it on the caller.
TEST(ParsePoolTest, WithoutHelpersFinishRunsTheJobOnTheCaller) {
  ParsePool pool(0);
  std::thread::id ran_on;
  ParsePool::Ticket t = pool.Submit([&] { ran_on = std::this_thread::get_id(); });
  EXPECT_FALSE(pool.Done(t));
  EXPECT_EQ(ran_on, std::thread::id());
  pool.Finish(t);
  EXPECT_TRUE(pool.Done(t));
  EXPECT_EQ(ran_on, std::this_thread::get_id());
}

// While the helper holds job A, Finish(A) runs the queued job B on the
// caller (A waits for B, so Finish would never return otherwise); a job
// dropped before any thread took it never runs.
TEST(ParsePoolTest, FinishRunsOtherQueuedJobsAndDropSkipsUnstartedOnes) {
  ParsePool pool(1);
  std::atomic<bool> a_started{false}, b_ran{false}, release_a{false};
  bool a_saw_b = false;
  std::thread::id b_ran_on;
  ParsePool::Ticket a = pool.Submit([&] {
    a_started.store(true);
    a_saw_b = AwaitFlag(b_ran);
    AwaitFlag(release_a);
  });
  ASSERT_TRUE(AwaitFlag(a_started));  // the helper has A
  ParsePool::Ticket b = pool.Submit([&] {
    b_ran_on = std::this_thread::get_id();
    b_ran.store(true);
  });
  bool c_ran = false;
  ParsePool::Ticket c = pool.Submit([&] { c_ran = true; });
  pool.Drop(c);
  EXPECT_TRUE(pool.Done(c));
  release_a.store(true);
  pool.Finish(a);
  EXPECT_TRUE(a_saw_b);
  EXPECT_EQ(b_ran_on, std::this_thread::get_id());
  pool.Finish(b);
  pool.Finish(c);  // dropped: returns without running it
  EXPECT_FALSE(c_ran);
}

TEST(ParsePoolTest, DefaultHelpersLeavesACoreAndIsBounded) {
  const int helpers = ParsePool::DefaultHelpers();
  EXPECT_GE(helpers, 0);
  EXPECT_LE(helpers, 3);
  const int cores = static_cast<int>(std::thread::hardware_concurrency());
  if (cores >= 2) {
    EXPECT_EQ(helpers, std::min(cores - 1, 3));
  }
}

// The real binary on a small Thai district site (30 pages that all carry
// the same menu, dated news, ITA links, PDFs), crawled with 8 connections:
// with helpers reading the pages (--parse-threads 3) it stores exactly the
// rows it stores on the engine's thread alone (--parse-threads 0).
class ParsePoolRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.Start());
    std::string menu;
    for (int i = 0; i < 30; ++i) {
      menu += "<li><a href=\"/laksi/p" + std::to_string(i) + "\">หน้า " +
              std::to_string(i) + " ข่าวประชาสัมพันธ์</a></li>";
    }
    menu += "<li><a href=\"/laksi/ita\">ITA การเปิดเผยข้อมูลสาธารณะ</a></li>";
    const std::string files = "/public/user_files_editor/41/ITA/2568/";
    server_.Route("/robots.txt", TestResponse{200, "text/plain", "", {}});
    server_.Route("/laksi/", Page("สำนักงานเขตหลักสี่", menu, "<h1>หน้าหลัก</h1>"));
    for (int i = 0; i < 30; ++i) {
      server_.Route("/laksi/p" + std::to_string(i),
                    Page("ข่าว " + std::to_string(i), menu,
                         "<h2>ประกาศ ณ วันที่ " + std::to_string(i % 28 + 1) +
                             " มีนาคม 2568</h2><p>รายงานผลการดำเนินงาน ไตรมาส " +
                             std::to_string(i % 4 + 1) + " ปีงบประมาณ พ.ศ. 2568 "
                             "แผนการจัดซื้อจัดจ้าง</p>"));
    }
    server_.Route("/laksi/ita",
                  Page("ITA", menu,
                       "<a href=\"" + files + "Plan_2568.pdf\">O5 แผนปฏิบัติ"
                       "ราชการประจำปี พ.ศ. 2568</a><a href=\"" + files +
                       "Budget_2567.pdf\">O13 แผนการใช้จ่ายงบประมาณประจำปี "
                       "พ.ศ. 2567</a>"));
    server_.Route(files + "Plan_2568.pdf",
                  TestResponse{200, "application/pdf",
                               MakeSimplePdf("Action plan FY 2568"), {}});
    server_.Route(files + "Budget_2567.pdf",
                  TestResponse{200, "application/pdf",
                               MakeSimplePdf("Spending plan FY 2567"), {}});
    dir_ = MakeTempDir();
    sites_ = dir_ + "/sites.yaml";
    ASSERT_TRUE(WriteFile(sites_,
        "sites:\n  - id: laksi\n    name: สำนักงานเขตหลักสี่\n"
        "    name_en: Lak Si\n    url: " + server_.url("/laksi/") + "\n"));
  }

  static TestResponse Page(const std::string& title, const std::string& menu,
                           const std::string& body) {
    return TestResponse{200, "text/html; charset=utf-8",
                        "<!doctype html><html><head><title>" + title +
                            "</title></head><body><ul>" + menu + "</ul>" +
                            body + "</body></html>",
                        {}};
  }

  // Runs the crawl into its own database; returns what it stored, as sorted
  // lines (order-free: the fetch order of 8 connections varies).
  std::vector<std::string> RunAndDump(const std::string& parse_threads) {
    const std::string db = dir_ + "/t" + parse_threads + ".db";
    ProcessResult r = RunProcess(
        {OITWATCH_BINARY, "run", "--sites", sites_, "--rules",
         std::string(OITWATCH_SOURCE_DIR) + "/config/rules/bma-district-2568.yaml",
         "--db", db, "--as-of", "2025-04-10", "--host-delay-ms", "0",
         "--host-connections", "8", "--allow-address", "127.0.0.1",
         "--timeout-ms", "5000", "--parse-threads", parse_threads,
         "--format", "none", "--quiet"},
        120);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::vector<std::string> rows;
    SQLite::Database sql(db);
    const char* const kQueries[] = {
        "SELECT 'page', url, kind, outcome, http_status, title, placeholder, "
        "needs_review, parse_error, charset FROM pages",
        "SELECT 'hit', item_id, component_id, url, field, matched, pattern_line "
        "FROM hits",
        "SELECT 'date', url, field, source, fiscal_year, year_be, month, day, "
        "fiscal_marker, text FROM url_dates",
        "SELECT 'verdict', item_id, status FROM item_states",
        "SELECT 'site', state, pages, documents, errors, skipped, parsed, "
        "reused FROM run_sites"};
    for (const char* query : kQueries) {
      SQLite::Statement q(sql, query);
      while (q.executeStep()) {
        std::string line;
        for (int c = 0; c < q.getColumnCount(); ++c) {
          line += q.getColumn(c).getString() + "|";
        }
        rows.push_back(line);
      }
    }
    // A page's links are one blob (storage/links_blob.h): a line each.
    SQLite::Statement links(sql,
                            "SELECT p.url, l.data FROM page_links l JOIN "
                            "pages p ON p.id = l.page_id");
    while (links.executeStep()) {
      const SQLite::Column data = links.getColumn(1);
      std::vector<LinkRecord> decoded;
      std::string err;
      EXPECT_TRUE(DecodeLinks(
          std::string_view(static_cast<const char*>(data.getBlob()),
                           static_cast<size_t>(data.getBytes())),
          &decoded, &err))
          << err;
      for (const LinkRecord& l : decoded) {
        rows.push_back("link|" + links.getColumn(0).getString() + "|" +
                       l.to_url + "|" + l.text + "|");
      }
    }
    std::sort(rows.begin(), rows.end());
    return rows;
  }

  TestServer server_;
  std::string dir_, sites_;
};

TEST_F(ParsePoolRunTest, HelpersChangeNothingThatIsStored) {
  const std::vector<std::string> alone = RunAndDump("0");
  const std::vector<std::string> helped = RunAndDump("3");
  ASSERT_GT(alone.size(), 500u);  // 32 pages x 31 menu links, hits, dates
  EXPECT_EQ(std::count_if(alone.begin(), alone.end(),
                          [](const std::string& l) { return l.rfind("page|", 0) == 0; }),
            34);  // the start page, 30 news pages, the ITA page, 2 PDFs
  EXPECT_EQ(alone, helped);
}

// The next night, nothing changed: the helpers read the unchanged pages'
// stored rows on their own connections (pipeline StartReadAhead) and the
// engine's thread replays them; both nights store exactly what the engine's
// thread alone stores.
TEST_F(ParsePoolRunTest, HelpersChangeNothingThatIsStoredTheNextNight) {
  RunAndDump("0");
  RunAndDump("3");
  const std::vector<std::string> alone = RunAndDump("0");
  const std::vector<std::string> helped = RunAndDump("3");
  EXPECT_EQ(alone, helped);
  SQLite::Database sql(dir_ + "/t3.db");
  EXPECT_EQ(sql.execAndGet("SELECT reused FROM run_sites ORDER BY run_id "
                           "DESC LIMIT 1")
                .getInt(),
            34);  // every page and document of the first night
}

}  // namespace
}  // namespace oitwatch
