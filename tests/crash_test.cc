// kill -9 at any moment (RELIABILITY.md §3.6, F1/F3): the real `oitwatch run`
// is forked over a loopback fixture of a few district sites with slow routes
// (a run lasts about a second) and killed with SIGKILL at seeded random
// moments, or kills itself at an exact fault point (OITWATCH_FAULT=
// after_commit:N; while one is armed each page is its own commit, so the
// Nth page commit is a transaction of its own). The child acknowledges every page commit on a pipe
// (OITWATCH_ACK_FD). After each kill the parent checks, on the same database
// file so history grows: PRAGMA integrity_check is ok, every acknowledged
// commit is present, and the killed run is marked `interrupted` by the next
// run. A final run finishes. SIGTERM stops a run at once, marked
// `interrupted`.
//
// The seed is printed; rerun one with OITWATCH_CRASH_SEED=<seed>.
#include <SQLiteCpp/SQLiteCpp.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "tests/test_html.h"
#include "tests/test_process.h"
#include "tests/test_server.h"

namespace oitwatch {
namespace {

using Clock = std::chrono::steady_clock;

// Three districts of eight pages each; every page takes 40 ms to answer.
void ServeDistricts(TestServer* server) {
  for (const std::string site : {"s1", "s2", "s3"}) {
    std::string links;
    for (int i = 0; i < 7; ++i) {
      links += "<a href=\"/" + site + "/p" + std::to_string(i) +
               "\">รายชื่อโรงเรียนสังกัดกรุงเทพมหานคร " + std::to_string(i) +
               "</a> ";
    }
    auto page = [links](const TestRequest&) {
      std::this_thread::sleep_for(std::chrono::milliseconds(40));
      return TestResponse{200, "text/html; charset=utf-8",
                          Html("สำนักงานเขต", links + "<p>ข้อมูล</p>"), {}};
    };
    server->Route("/" + site + "/", page);
    for (int i = 0; i < 7; ++i)
      server->Route("/" + site + "/p" + std::to_string(i), page);
  }
}

struct Child {
  int status = 0;            // waitpid status
  std::vector<std::string> acks;  // "COMMITTED page <run> <url>"
};

class CrashTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServeDistricts(&server_);
    ASSERT_TRUE(server_.Start());
    dir_ = MakeTempDir();
    db_ = dir_ + "/crash.db";
    std::string sites = "sites:\n";
    for (const std::string site : {"s1", "s2", "s3"}) {
      sites += "  - id: " + site + "\n    name: สำนักงานเขต" + site +
               "\n    name_en: " + site + "\n    url: " +
               server_.url("/" + site + "/") + "\n";
    }
    ASSERT_TRUE(WriteFile(dir_ + "/sites.yaml", sites));
  }

  std::vector<std::string> Argv() const {
    return {OITWATCH_BINARY, "run", "--sites", dir_ + "/sites.yaml",
            "--rules",
            std::string(OITWATCH_SOURCE_DIR) +
                "/config/rules/bma-district-2568.yaml",
            "--db", db_, "--as-of", "2025-04-10", "--host-delay-ms", "0",
            "--host-connections", "2", "--allow-address", "127.0.0.1",
            "--timeout-ms", "5000", "--format", "none", "--quiet"};
  }

  // Forks the run with an ack pipe. `signal_after_ms` >= 0 sends `sig` after
  // that long (if still running); `fault` sets OITWATCH_FAULT.
  Child RunChild(int signal_after_ms, int sig, const std::string& fault,
                 double* seconds_after_signal = nullptr) {
    int fds[2];
    Child out;
    if (pipe2(fds, O_CLOEXEC) != 0) {
      ADD_FAILURE() << "pipe";
      return out;
    }
    std::vector<std::string> argv = Argv();
    const pid_t pid = fork();
    if (pid == 0) {
      dup2(fds[1], 3);  // the ack fd survives exec (dup2 clears CLOEXEC)
      setenv("OITWATCH_ACK_FD", "3", 1);
      if (fault.empty()) {
        unsetenv("OITWATCH_FAULT");
      } else {
        setenv("OITWATCH_FAULT", fault.c_str(), 1);
      }
      const int null = open("/dev/null", O_RDWR);
      dup2(null, 0);
      dup2(null, 1);
      dup2(null, 2);
      std::vector<char*> args;
      for (std::string& a : argv) args.push_back(a.data());
      args.push_back(nullptr);
      execv(args[0], args.data());
      _exit(127);
    }
    close(fds[1]);
    std::string acks;
    const auto start = Clock::now();
    auto signal_at = start + std::chrono::milliseconds(signal_after_ms);
    bool signalled = signal_after_ms < 0;
    Clock::time_point signalled_at;
    while (true) {
      pollfd p{fds[0], POLLIN, 0};
      poll(&p, 1, 5);
      if (p.revents & (POLLIN | POLLHUP)) {
        char buffer[4096];
        const ssize_t n = read(fds[0], buffer, sizeof buffer);
        if (n <= 0) break;  // every writer is gone: the child ended
        acks.append(buffer, static_cast<size_t>(n));
      }
      if (!signalled && Clock::now() >= signal_at) {
        kill(pid, sig);
        signalled = true;
        signalled_at = Clock::now();
      }
      if (Clock::now() - start > std::chrono::seconds(60)) {
        kill(pid, SIGKILL);
        ADD_FAILURE() << "the run did not end";
      }
    }
    close(fds[0]);
    waitpid(pid, &out.status, 0);
    if (seconds_after_signal != nullptr && signal_after_ms >= 0) {
      *seconds_after_signal =
          std::chrono::duration<double>(Clock::now() - signalled_at).count();
    }
    std::istringstream lines(acks);
    for (std::string line; std::getline(lines, line);) out.acks.push_back(line);
    return out;
  }

  static bool Exists(const std::string& path) {
    return access(path.c_str(), F_OK) == 0;
  }

  // integrity_check ok, and every acknowledged page commit present.
  void CheckDatabase(const Child& child, const std::string& where) {
    SCOPED_TRACE(where);
    if (!Exists(db_)) {  // killed before it created the database
      EXPECT_TRUE(child.acks.empty());
      return;
    }
    SQLite::Database db(db_, SQLite::OPEN_READONLY);
    EXPECT_EQ(db.execAndGet("PRAGMA integrity_check").getString(), "ok");
    if (!db.tableExists("pages")) {  // killed before its schema committed
      EXPECT_TRUE(child.acks.empty());
      return;
    }
    SQLite::Statement q(db,
                        "SELECT COUNT(*) FROM pages WHERE run_id = ? AND "
                        "url = ?");
    for (const std::string& ack : child.acks) {
      std::istringstream fields(ack);
      std::string committed, page, url;
      int64_t run = 0;
      fields >> committed >> page >> run >> url;
      ASSERT_EQ(committed, "COMMITTED") << ack;
      q.reset();
      q.bind(1, run);
      q.bind(2, url);
      ASSERT_TRUE(q.executeStep());
      EXPECT_EQ(q.getColumn(0).getInt(), 1) << "acknowledged but lost: " << ack;
    }
  }

  // Status of every run, oldest first.
  std::vector<std::string> RunStatuses() {
    if (!Exists(db_)) return {};
    SQLite::Database db(db_, SQLite::OPEN_READONLY);
    if (!db.tableExists("runs")) return {};  // killed before the schema
    SQLite::Statement q(db, "SELECT status FROM runs ORDER BY id");
    std::vector<std::string> out;
    while (q.executeStep()) out.push_back(q.getColumn(0).getString());
    return out;
  }

  TestServer server_;
  std::string dir_, db_;
};

unsigned Seed() {
  if (const char* v = std::getenv("OITWATCH_CRASH_SEED")) {
    return static_cast<unsigned>(std::strtoul(v, nullptr, 10));
  }
  return static_cast<unsigned>(
      std::chrono::system_clock::now().time_since_epoch().count());
}

TEST_F(CrashTest, KillNineAtRandomPointsLosesNoAcknowledgedCommit) {
  const unsigned seed = Seed();
  std::printf("crash seed: %u (OITWATCH_CRASH_SEED=%u to replay)\n", seed,
              seed);
  RecordProperty("crash_seed", std::to_string(seed));
  std::mt19937 random(seed);
  std::uniform_int_distribution<int> delay_ms(0, 1200);
  int killed_mid_run = 0;
  size_t acked = 0;
  for (int i = 0; i < 20; ++i) {
    const int delay = delay_ms(random);
    SCOPED_TRACE("iteration " + std::to_string(i) + ", SIGKILL after " +
                 std::to_string(delay) + " ms, seed " + std::to_string(seed));
    const size_t runs_before = RunStatuses().size();
    Child child = RunChild(delay, SIGKILL, "");
    acked += child.acks.size();
    if (WIFSIGNALED(child.status)) ++killed_mid_run;
    CheckDatabase(child, "after the kill");
    const std::vector<std::string> runs = RunStatuses();
    // Every run before the newest is settled: the newest one marked the
    // killed one `interrupted` when it began.
    for (size_t r = 0; r + 1 < runs.size(); ++r) {
      EXPECT_NE(runs[r], "running") << "run " << r + 1 << " never marked";
    }
    if (runs.size() > runs_before && WIFSIGNALED(child.status)) {
      // Killed mid-run, or between FinishRun and exit.
      EXPECT_TRUE(runs.back() == "running" || runs.back() == "finished")
          << runs.back();
    }
  }
  std::printf("killed mid-run %d of 20 times; %zu commits acknowledged\n",
              killed_mid_run, acked);
  EXPECT_GE(killed_mid_run, 10) << "the kill points must land inside runs";
  // A final run completes and marks the last killed run interrupted.
  Child final_run = RunChild(-1, 0, "");
  ASSERT_TRUE(WIFEXITED(final_run.status));
  EXPECT_EQ(WEXITSTATUS(final_run.status), 0);
  CheckDatabase(final_run, "final run");
  const std::vector<std::string> runs = RunStatuses();
  ASSERT_FALSE(runs.empty());
  EXPECT_EQ(runs.back(), "finished");
  int interrupted = 0;
  for (size_t r = 0; r + 1 < runs.size(); ++r) {
    EXPECT_TRUE(runs[r] == "interrupted" || runs[r] == "finished") << runs[r];
    interrupted += runs[r] == "interrupted";
  }
  EXPECT_GE(interrupted, 1);
}

// Pages that answer at once arrive faster than one fsync each: the writer
// commits the page saves waiting together as one group, and acknowledges
// them only after that commit. Killed at random moments, no acknowledged
// page is ever missing.
TEST_F(CrashTest, KillNineDuringGroupCommitsLosesNoAcknowledgedCommit) {
  std::string sites = "sites:\n";
  for (const std::string site : {"f1", "f2", "f3"}) {
    std::string links;
    for (int i = 0; i < 40; ++i) {
      links += "<a href=\"/" + site + "/p" + std::to_string(i) +
               "\">รายงานผลการดำเนินงาน " + std::to_string(i) + "</a> ";
    }
    const TestResponse page{200, "text/html; charset=utf-8",
                            Html("สำนักงานเขต", links + "<p>ข้อมูล</p>"), {}};
    server_.Route("/" + site + "/", page);
    for (int i = 0; i < 40; ++i) {
      server_.Route("/" + site + "/p" + std::to_string(i), page);
    }
    sites += "  - id: " + site + "\n    name: เขต" + site + "\n    name_en: " +
             site + "\n    url: " + server_.url("/" + site + "/") + "\n";
  }
  ASSERT_TRUE(WriteFile(dir_ + "/sites.yaml", sites));
  const unsigned seed = Seed();
  std::printf("group crash seed: %u\n", seed);
  std::mt19937 random(seed);
  std::uniform_int_distribution<int> delay_ms(0, 400);
  size_t acked = 0;
  for (int i = 0; i < 10; ++i) {
    const int delay = delay_ms(random);
    SCOPED_TRACE("iteration " + std::to_string(i) + ", SIGKILL after " +
                 std::to_string(delay) + " ms, seed " + std::to_string(seed));
    Child child = RunChild(delay, SIGKILL, "");
    acked += child.acks.size();
    CheckDatabase(child, "after the kill");
  }
  Child final_run = RunChild(-1, 0, "");
  ASSERT_TRUE(WIFEXITED(final_run.status));
  EXPECT_EQ(WEXITSTATUS(final_run.status), 0);
  CheckDatabase(final_run, "final run");
  EXPECT_GE(final_run.acks.size(), 120u) << "every page of the final run";
  std::printf("%zu commits acknowledged before the kills\n", acked);
}

TEST_F(CrashTest, FaultPointAfterNthCommitKillsThereAndLosesNothing) {
  for (int n : {1, 5, 13}) {
    SCOPED_TRACE("after_commit:" + std::to_string(n));
    Child child = RunChild(-1, 0, "after_commit:" + std::to_string(n));
    ASSERT_TRUE(WIFSIGNALED(child.status)) << "the fault point must fire";
    EXPECT_EQ(WTERMSIG(child.status), SIGKILL);
    EXPECT_EQ(child.acks.size(), static_cast<size_t>(n))
        << "the Nth commit was acknowledged, nothing after it";
    CheckDatabase(child, "after the fault");
    SQLite::Database db(db_, SQLite::OPEN_READONLY);
    EXPECT_EQ(db.execAndGet("SELECT COUNT(*) FROM pages WHERE run_id = "
                            "(SELECT MAX(id) FROM runs)")
                  .getInt(),
              n)
        << "exactly the acknowledged pages: no half-written page";
  }
  Child final_run = RunChild(-1, 0, "");
  ASSERT_TRUE(WIFEXITED(final_run.status));
  EXPECT_EQ(WEXITSTATUS(final_run.status), 0);
  const std::vector<std::string> runs = RunStatuses();
  ASSERT_EQ(runs.size(), 4u);
  EXPECT_EQ(runs[0], "interrupted");
  EXPECT_EQ(runs[1], "interrupted");
  EXPECT_EQ(runs[2], "interrupted");
  EXPECT_EQ(runs[3], "finished");
}

TEST_F(CrashTest, SigtermStopsAtOnceAndMarksTheRunInterrupted) {
  // One more district whose start page takes 4 s: without an immediate stop
  // the run would wait for them.
  server_.Route("/slow/", [](const TestRequest&) {
    std::this_thread::sleep_for(std::chrono::seconds(4));
    return TestResponse{200, "text/html", Html("ช้า", "x"), {}};
  });
  std::string sites = ReadFile(dir_ + "/sites.yaml");
  sites += "  - id: slow\n    name: ช้า\n    name_en: slow\n    url: " +
           server_.url("/slow/") + "\n";
  ASSERT_TRUE(WriteFile(dir_ + "/sites.yaml", sites));
  double seconds = 0;
  Child child = RunChild(600, SIGTERM, "", &seconds);
  ASSERT_TRUE(WIFEXITED(child.status)) << "SIGTERM is handled, not fatal";
  EXPECT_NE(WEXITSTATUS(child.status), 0);
  EXPECT_LT(seconds, 2.5) << "stops at once, not after the 4 s transfer";
  CheckDatabase(child, "after SIGTERM");
  const std::vector<std::string> runs = RunStatuses();
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0], "interrupted") << "marked by the run itself";
}

}  // namespace
}  // namespace oitwatch
