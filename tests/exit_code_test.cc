// Exit codes a monitor reads (app/commands.h), through the real binary: a
// report that cannot be written to standard output is exit 1, never 0, and
// the run behind it is still stored; a lock file that cannot be created is
// exit 1 with the reason, exit 3 staying "another run holds the lock"
// (deploy_test pins that one); a run in which some sites or items could not
// be checked is exit 4, never 0.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "tests/test_process.h"
#include "tests/test_server.h"

namespace oitwatch {
namespace {

// Runs argv with its standard output a pipe whose reader is already gone
// and SIGPIPE ignored (as under many supervisors), so every write to it
// fails with EPIPE, like a full disk would with ENOSPC. stderr goes to
// `err_path`. Returns the exit code, -1 if killed or over the time limit.
int RunWithClosedStdout(const std::vector<std::string>& argv,
                        const std::string& err_path, int timeout_seconds) {
  int fds[2];
  if (::pipe(fds) != 0) return -1;
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::signal(SIGPIPE, SIG_IGN);  // kept across exec
    int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::close(fds[0]);
    ::dup2(fds[1], 1);
    ::dup2(err, 2);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ::close(fds[0]);
  ::close(fds[1]);
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  int status = 0;
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

class ExitCodeTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir();
    ASSERT_FALSE(dir_.empty());
    server_.Route("/laksi/", TestResponse{200, "text/html; charset=utf-8",
                                          "<html><head><title>หลักสี่</title>"
                                          "</head><body>หน้าแรก</body></html>",
                                          {}});
    ASSERT_TRUE(server_.Start());
    ASSERT_TRUE(WriteFile(dir_ + "/sites.yaml",
                          "sites:\n  - id: laksi\n    name: หลักสี่\n"
                          "    name_en: Lak Si\n    url: " +
                              server_.url("/laksi/") + "\n"));
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::vector<std::string> RunArgs(const std::string& db,
                                   const std::string& format) {
    return {OITWATCH_BINARY, "run", "--db", db, "--sites", dir_ + "/sites.yaml",
            "--rules",
            std::string(OITWATCH_SOURCE_DIR) +
                "/config/rules/bma-district-2568.yaml",
            "--as-of", "2025-04-10", "--host-delay-ms", "0", "--allow-address",
            "127.0.0.1", "--format", format, "--quiet", "--no-alerts"};
  }
  std::string dir_;
  TestServer server_;
};

TEST_F(ExitCodeTest, ReportThatCannotBeWrittenToStdoutIsExitOne) {
  ProcessResult run = RunProcess(RunArgs(dir_ + "/o.db", "none"), 120);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::string err_path = dir_ + "/stderr.txt";
  int rc = RunWithClosedStdout(
      {OITWATCH_BINARY, "report", "--db", dir_ + "/o.db", "--format", "json"},
      err_path, 60);
  EXPECT_EQ(rc, 1);
  EXPECT_NE(ReadFile(err_path).find("oitwatch report: cannot write the report "
                                    "to standard output: Broken pipe"),
            std::string::npos) << ReadFile(err_path);
}

TEST_F(ExitCodeTest, RunWhoseReportCannotBeWrittenIsExitOneButStored) {
  const std::string err_path = dir_ + "/stderr.txt";
  int rc = RunWithClosedStdout(RunArgs(dir_ + "/o.db", "text"), err_path, 120);
  EXPECT_EQ(rc, 1);
  EXPECT_NE(ReadFile(err_path).find("oitwatch run: cannot write the report to "
                                    "standard output: Broken pipe"),
            std::string::npos) << ReadFile(err_path);
  ProcessResult runs =
      RunProcess({OITWATCH_BINARY, "runs", "--db", dir_ + "/o.db"}, 60);
  EXPECT_EQ(runs.exit_code, 0) << runs.err;
  EXPECT_NE(runs.out.find("\tfinished\t"), std::string::npos) << runs.out;
}

TEST_F(ExitCodeTest, OtherCommandsWhoseOutputIsLostAreExitOneToo) {
  ProcessResult run = RunProcess(RunArgs(dir_ + "/o.db", "none"), 120);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::string err_path = dir_ + "/stderr.txt";
  int rc = RunWithClosedStdout({OITWATCH_BINARY, "runs", "--db", dir_ + "/o.db"},
                               err_path, 60);
  EXPECT_EQ(rc, 1);
  EXPECT_NE(ReadFile(err_path).find("oitwatch runs: cannot write to standard "
                                    "output"),
            std::string::npos) << ReadFile(err_path);
}

// Works as root too: no permission bit stops root, but a path through a
// regular file (ENOTDIR) stops everyone.
TEST_F(ExitCodeTest, LockFileThatCannotBeCreatedIsExitOneWithTheReason) {
  ASSERT_TRUE(WriteFile(dir_ + "/plain-file", "x"));
  ProcessResult r = RunProcess(RunArgs(dir_ + "/plain-file/o.db", "none"), 60);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("cannot open lock file"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Not a directory"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("another oitwatch run"), std::string::npos) << r.err;
}

TEST_F(ExitCodeTest, AlertsLockFileThatCannotBeOpenedIsExitOne) {
  ProcessResult run = RunProcess(RunArgs(dir_ + "/o.db", "none"), 120);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  // A directory where the lock file goes: open(O_RDWR) fails (EISDIR) even
  // for root.
  std::filesystem::create_directory(dir_ + "/o.db.alerts.lock");
  ProcessResult r = RunProcess({OITWATCH_BINARY, "alerts", "send", "--db",
                                dir_ + "/o.db"}, 60);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("Is a directory"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("another oitwatch"), std::string::npos) << r.err;
}

// The one site of the run, from a run's JSON report on stdout.
nlohmann::json OnlySite(const ProcessResult& run) {
  nlohmann::json report = nlohmann::json::parse(run.out, nullptr, false);
  if (report.is_discarded() || report["sites"].size() != 1) return {};
  return report["sites"][0];
}

// Red-team probe H01: the start page answers, every page it links to fails
// until the site is dropped (its own error budget, before its host's). No item could be judged: the site is unchecked,
// without a score, and the run is exit 4 (it was "checked", score 0, exit 0:
// cron saw success).
TEST_F(ExitCodeTest, SiteWhoseHostWasDroppedAfterTheStartPageIsExitFour) {
  std::string links;
  for (int i = 0; i < 16; ++i) {
    const std::string path = "/laksi/p" + std::to_string(i);
    links += "<a href=\"" + path + "\">หน้า " + std::to_string(i) + "</a> ";
    server_.Route(path, TestResponse{500, "text/html", "boom", {}});
  }
  server_.Route("/laksi/", TestResponse{200, "text/html; charset=utf-8",
                                        "<html><body>" + links + "</body></html>",
                                        {}});
  ProcessResult run = RunProcess(RunArgs(dir_ + "/o.db", "json"), 120);
  EXPECT_EQ(run.exit_code, 4) << run.err;
  nlohmann::json site = OnlySite(run);
  ASSERT_TRUE(site.is_object()) << run.out.substr(0, 500);
  EXPECT_EQ(site.value("state", ""), "unchecked") << site.dump().substr(0, 600);
  EXPECT_TRUE(site["score"].is_null()) << site["score"];
  EXPECT_NE(site.value("reason", "").find(
                "site dropped after 8 consecutive failed fetches"),
            std::string::npos)
      << site.value("reason", "");
  EXPECT_EQ(site.value("unchecked_items", -1),
            static_cast<int>(site["items"].size()));
}

// A checked site with some items unchecked for a crawl reason (a page that
// may hold their evidence failed) is not "ok" for cron either: exit 4. O1 is
// judged (its link answers 404: broken), the rest could not be.
TEST_F(ExitCodeTest, CheckedSiteWithUncheckedItemsIsExitFour) {
  server_.Route("/laksi/", TestResponse{200, "text/html; charset=utf-8",
                                        "<html><body><a href=\"/laksi/o1.pdf\">"
                                        "โครงสร้างองค์กร</a> <a href=\"/laksi/ita\">"
                                        "ITA</a></body></html>",
                                        {}});
  server_.Route("/laksi/o1.pdf", TestResponse{404, "text/html", "gone", {}});
  server_.Route("/laksi/ita", TestResponse{500, "text/html", "boom", {}});
  ProcessResult run = RunProcess(RunArgs(dir_ + "/o.db", "json"), 120);
  EXPECT_EQ(run.exit_code, 4) << run.err;
  nlohmann::json site = OnlySite(run);
  ASSERT_TRUE(site.is_object()) << run.out.substr(0, 500);
  EXPECT_EQ(site.value("state", ""), "checked") << site.dump().substr(0, 600);
  EXPECT_GT(site.value("unchecked_items", 0), 0) << site.dump().substr(0, 600);
  EXPECT_LT(site.value("unchecked_items", 0),
            static_cast<int>(site["items"].size()));
  EXPECT_TRUE(site["score"].is_number()) << site["score"];
}

}  // namespace
}  // namespace oitwatch
