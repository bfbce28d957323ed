// Group commit (Store::BeginGroup .. EndGroup): many page saves in one
// transaction and one fsync, each acknowledged (AfterCommit) only once the
// group is committed. Real database files in a temporary directory; a raw
// sqlite3 connection plays another reader, a forked child the process that
// is killed in the middle of a group. Also the writer thread that groups
// the page saves it finds waiting (app/store_writer.h).
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "app/store_writer.h"
#include "storage/store.h"
#include "tests/test_process.h"

namespace oitwatch {
namespace {

PageRecord MakePage(const std::string& url) {
  PageRecord page;
  page.site_id = "laksi";
  page.url = url;
  page.kind = "page";
  page.outcome = "ok";
  page.http_status = 200;
  page.fetched_at = "2025-04-10T02:00:00Z";
  page.title = "สำนักงานเขตหลักสี่";
  return page;
}

std::string Url(int i) { return "https://laksi.go.th/p" + std::to_string(i); }

class GroupCommitTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir();
    path_ = dir_ + "/oit.db";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<Store> Open(const StoreOptions& options = {}) {
    std::string err;
    std::unique_ptr<Store> store = Store::Open(path_, options, &err);
    EXPECT_NE(store, nullptr) << err;
    return store;
  }

  static int64_t BeginRun(Store* store) {
    int64_t run_id = 0;
    std::string err;
    EXPECT_TRUE(store->BeginRun(RunInfo{}, &run_id, &err)) << err;
    return run_id;
  }

  // Saves Url(i) and acknowledges it in *acked once committed.
  static bool SaveAcked(Store* store, int64_t run_id, int i,
                        std::vector<std::string>* acked, std::string* err) {
    if (!store->SavePage(run_id, MakePage(Url(i)), {}, {}, {}, err)) {
      return false;
    }
    store->AfterCommit([acked, i] { acked->push_back(Url(i)); });
    return true;
  }

  // The URLs of run `run_id`, as another connection sees them now.
  std::vector<std::string> Committed(int64_t run_id) {
    sqlite3* db = nullptr;
    EXPECT_EQ(
        sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READONLY, nullptr),
        SQLITE_OK);
    sqlite3_stmt* q = nullptr;
    sqlite3_prepare_v2(db, "SELECT url FROM pages WHERE run_id = ? ORDER BY id",
                       -1, &q, nullptr);
    sqlite3_bind_int64(q, 1, run_id);
    std::vector<std::string> urls;
    while (sqlite3_step(q) == SQLITE_ROW) {
      urls.push_back(reinterpret_cast<const char*>(sqlite3_column_text(q, 0)));
    }
    sqlite3_finalize(q);
    sqlite3_close(db);
    return urls;
  }

  std::string dir_, path_;
};

TEST_F(GroupCommitTest, WritesAreUnseenAndUnacknowledgedUntilEndGroup) {
  std::unique_ptr<Store> store = Open();
  const int64_t run_id = BeginRun(store.get());
  std::vector<std::string> acked;
  std::string err;
  ASSERT_TRUE(store->BeginGroup(&err)) << err;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(SaveAcked(store.get(), run_id, i, &acked, &err)) << err;
  }
  EXPECT_TRUE(acked.empty()) << "nothing is durable before the commit";
  EXPECT_TRUE(Committed(run_id).empty()) << "other connections see nothing";
  ASSERT_TRUE(store->EndGroup(&err)) << err;
  const std::vector<std::string> all = {Url(0), Url(1), Url(2)};
  EXPECT_EQ(acked, all) << "acknowledged after the commit, in order";
  EXPECT_EQ(Committed(run_id), all);
}

TEST_F(GroupCommitTest, OutsideAGroupEachWriteIsAcknowledgedAtOnce) {
  std::unique_ptr<Store> store = Open();
  const int64_t run_id = BeginRun(store.get());
  std::vector<std::string> acked;
  std::string err;
  ASSERT_TRUE(SaveAcked(store.get(), run_id, 0, &acked, &err)) << err;
  EXPECT_EQ(acked, std::vector<std::string>{Url(0)});
  EXPECT_EQ(Committed(run_id), std::vector<std::string>{Url(0)});
}

// A failed save inside a group undoes only its own writes (here the delete
// of the row it was replacing) and is never acknowledged; the rest of the
// group commits.
TEST_F(GroupCommitTest, FailedWriteUndoesOnlyItself) {
  std::unique_ptr<Store> store = Open();
  const int64_t run_id = BeginRun(store.get());
  std::string err;
  ASSERT_TRUE(store->SavePage(run_id, MakePage(Url(0)), {}, {}, {}, &err));
  std::vector<std::string> acked;
  ASSERT_TRUE(store->BeginGroup(&err)) << err;
  ASSERT_TRUE(SaveAcked(store.get(), run_id, 1, &acked, &err)) << err;
  PageRecord bad = MakePage(Url(0));
  bad.links_from = 999;  // no such row: fails after deleting the old Url(0)
  EXPECT_FALSE(store->SavePage(run_id, bad, {}, {}, {}, &err));
  EXPECT_NE(err.find("no such row"), std::string::npos) << err;
  ASSERT_TRUE(SaveAcked(store.get(), run_id, 2, &acked, &err)) << err;
  ASSERT_TRUE(store->EndGroup(&err)) << err;
  EXPECT_EQ(acked, (std::vector<std::string>{Url(1), Url(2)}));
  EXPECT_EQ(Committed(run_id),
            (std::vector<std::string>{Url(0), Url(1), Url(2)}))
      << "the first Url(0) row is still there";
  ASSERT_TRUE(store->CheckIntegrity(&err)) << err;
}

// Disk full in the middle of a group: whatever SQLite keeps, exactly the
// pages kept are the pages acknowledged.
TEST_F(GroupCommitTest, DiskFullAcknowledgesExactlyWhatIsKept) {
  int64_t run_id = 0;
  {
    std::unique_ptr<Store> store = Open();
    run_id = BeginRun(store.get());
  }
  StoreOptions full;
  full.max_page_count = 1;  // clamped to the current size: no growth
  std::unique_ptr<Store> store = Open(full);
  std::vector<std::string> acked;
  std::string err;
  ASSERT_TRUE(store->BeginGroup(&err)) << err;
  EXPECT_TRUE(SaveAcked(store.get(), run_id, 0, &acked, &err)) << err;
  PageRecord big = MakePage(Url(1));
  big.title = std::string(1 << 20, 'x');
  EXPECT_FALSE(store->SavePage(run_id, big, {}, {}, {}, &err));
  EXPECT_NE(err.find("full"), std::string::npos) << err;
  SaveAcked(store.get(), run_id, 2, &acked, &err);
  store->EndGroup(&err);
  EXPECT_EQ(acked, Committed(run_id));
  ASSERT_TRUE(store->CheckIntegrity(&err)) << err;
}

// kill -9 between a group's writes and its commit: the group is gone, the
// group committed before it is intact, and nothing unacknowledged is
// claimed. The parent holds no connection across fork().
TEST_F(GroupCommitTest, KilledMidGroupLosesOnlyTheUnacknowledgedGroup) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(fds[0]);
    std::string err;
    std::unique_ptr<Store> store = Store::Open(path_, &err);
    int64_t run_id = 0;
    if (!store || !store->BeginRun(RunInfo{}, &run_id, &err)) _exit(3);
    for (int group = 0; group < 2; ++group) {
      if (!store->BeginGroup(&err)) _exit(4);
      for (int i = group * 10; i < group * 10 + 10; ++i) {
        if (!store->SavePage(run_id, MakePage(Url(i)), {}, {}, {}, &err)) {
          _exit(5);
        }
        store->AfterCommit([fd = fds[1], i] {
          const std::string line = Url(i) + "\n";
          if (write(fd, line.data(), line.size()) < 0) _exit(6);
        });
      }
      if (group == 1) raise(SIGKILL);  // the second group never commits
      if (!store->EndGroup(&err)) _exit(7);
    }
    _exit(0);
  }
  close(fds[1]);
  std::string acks;
  char buffer[4096];
  for (ssize_t n; (n = read(fds[0], buffer, sizeof buffer)) > 0;) {
    acks.append(buffer, static_cast<size_t>(n));
  }
  close(fds[0]);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;
  std::vector<std::string> expected;
  std::string lines;
  for (int i = 0; i < 10; ++i) {
    expected.push_back(Url(i));
    lines += Url(i) + "\n";
  }
  EXPECT_EQ(acks, lines);
  std::unique_ptr<Store> store = Open();
  std::string err;
  ASSERT_TRUE(store->CheckIntegrity(&err)) << err;
  EXPECT_EQ(Committed(1), expected);
}

// The writer thread: page saves waiting together are committed as one
// group (when the first is acknowledged, all of them are visible to another
// connection); a job posted without `group` never runs inside one.
TEST_F(GroupCommitTest, WriterCommitsWaitingPageSavesTogether) {
  std::unique_ptr<Store> store = Open();
  const int64_t run_id = BeginRun(store.get());
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  std::vector<size_t> seen_at_ack;  // written on the writer thread only
  bool site_job_alone = false;
  {
    StoreWriter writer(store.get());
    writer.Post([gate](Store*, std::string*) {
      gate.wait();  // holds the writer until the rest is queued
      return true;
    });
    for (int i = 0; i < 5; ++i) {
      writer.Post(
          [this, run_id, i, &seen_at_ack](Store* s, std::string* err) {
            if (!s->SavePage(run_id, MakePage(Url(i)), {}, {}, {}, err)) {
              return false;
            }
            s->AfterCommit([this, run_id, &seen_at_ack] {
              seen_at_ack.push_back(Committed(run_id).size());
            });
            return true;
          },
          0, /*group=*/true);
    }
    writer.Post([&site_job_alone](Store* s, std::string*) {
      s->AfterCommit([&site_job_alone] { site_job_alone = true; });
      return true;  // ran at once: no group was open around this job
    });
    release.set_value();
    writer.Drain();
    EXPECT_FALSE(writer.failed()) << writer.error();
  }
  EXPECT_EQ(seen_at_ack, std::vector<size_t>(5, 5))
      << "one commit for the five pages, acknowledged after it";
  EXPECT_TRUE(site_job_alone);
}

// SQLite's temporary files this process holds open ("etilqs_" names; they
// are unlinked as soon as they are opened, so only /proc/self/fd shows
// them).
int OpenSqliteTempFiles() {
  int n = 0;
  for (const auto& fd : std::filesystem::directory_iterator("/proc/self/fd")) {
    std::error_code ec;
    const std::filesystem::path target =
        std::filesystem::read_symlink(fd.path(), ec);
    if (!ec && target.string().find("etilqs_") != std::string::npos) ++n;
  }
  return n;
}

// Each write of a group is a savepoint, whose sub-journal holds a copy of
// every page the write changes. It stays in memory (store.cc
// ConfigureSqlite): past SQLite's default 64 KiB it became a temporary file
// that every later write of the group went on writing to.
TEST_F(GroupCommitTest, SubJournalsOfAGroupStayInMemory) {
  std::unique_ptr<Store> store = Open();
  const int64_t run_id = BeginRun(store.get());
  std::string err;
  std::vector<Hit> hits;  // ~100 KiB of rows and index entries: > 64 KiB
  for (int i = 0; i < 200; ++i) {
    Hit hit;
    hit.item_id = "O" + std::to_string(1 + i % 22);
    hit.url = Url(1000 + i) + "/" + std::string(200, 'x');
    hit.found_on = Url(0);
    hit.matched = std::string(200, 'a' + i % 26);
    hits.push_back(hit);
  }
  ASSERT_TRUE(store->BeginGroup(&err)) << err;
  for (int i = 0; i < 3; ++i) {  // a later write changes pages written before
    ASSERT_TRUE(store->SavePage(run_id, MakePage(Url(0)), {}, hits, {}, &err))
        << err;
  }
  EXPECT_EQ(OpenSqliteTempFiles(), 0);
  ASSERT_TRUE(store->EndGroup(&err)) << err;
  std::vector<std::string> urls = Committed(run_id);
  EXPECT_EQ(urls, std::vector<std::string>{Url(0)});
  ASSERT_TRUE(store->CheckIntegrity(&err)) << err;
}

TEST_F(GroupCommitTest, NestedAndUnopenedGroupsAreRefused) {
  std::unique_ptr<Store> store = Open();
  std::string err;
  EXPECT_FALSE(store->EndGroup(&err));
  EXPECT_NE(err.find("no group is open"), std::string::npos) << err;
  ASSERT_TRUE(store->BeginGroup(&err)) << err;
  EXPECT_FALSE(store->BeginGroup(&err));
  EXPECT_NE(err.find("already open"), std::string::npos) << err;
  EXPECT_TRUE(store->EndGroup(&err)) << err;
}

}  // namespace
}  // namespace oitwatch
