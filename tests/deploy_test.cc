// The nightly deployment (deploy/): the systemd timer and cron fire at 02:00
// Bangkok time, the service runs `oitwatch --config ... run`, and a second
// run started while one is going exits 3 with a clear message (the lock a
// monitor relies on; deploy/README.md).
#include <gtest/gtest.h>

#include <chrono>
#include <regex>
#include <thread>

#include "tests/test_process.h"
#include "tests/test_server.h"

namespace oitwatch {
namespace {

std::string Deploy(const std::string& name) {
  return ReadFile(std::string(OITWATCH_SOURCE_DIR) + "/deploy/" + name);
}

// The value of `key=` in an INI-style unit file ("" if absent).
std::string UnitValue(const std::string& unit, const std::string& key) {
  std::smatch m;
  std::regex line("(^|\n)" + key + "=([^\n]*)");
  return std::regex_search(unit, m, line) ? m[2].str() : "";
}

TEST(DeployTest, TimerFiresAt0200AsiaBangkok) {
  std::string timer = Deploy("oitwatch.timer");
  ASSERT_FALSE(timer.empty());
  std::string when = UnitValue(timer, "OnCalendar");
  EXPECT_TRUE(std::regex_search(when, std::regex(" 02:00(:00)? Asia/Bangkok$")))
      << when;
  EXPECT_EQ(UnitValue(timer, "Persistent"), "true");  // catch up after downtime
}

TEST(DeployTest, ServiceRunsWithConfigAndTreatsUncheckedSitesAsSuccess) {
  std::string service = Deploy("oitwatch.service");
  std::string exec = UnitValue(service, "ExecStart");
  EXPECT_TRUE(std::regex_search(exec, std::regex("oitwatch --config \\S+\\.toml run$")))
      << exec;
  EXPECT_EQ(UnitValue(service, "Type"), "oneshot");
  EXPECT_EQ(UnitValue(service, "SuccessExitStatus"), "4");
}

TEST(DeployTest, CronAlternativeIsAlso0200Bangkok) {
  std::string cron = Deploy("oitwatch.cron");
  EXPECT_NE(cron.find("\nCRON_TZ=Asia/Bangkok\n"), std::string::npos);
  EXPECT_TRUE(std::regex_search(cron, std::regex("\n0 2 \\* \\* \\* \\S+ \\S*oitwatch "
                                                 "--config \\S+ run")))
      << cron;
}

TEST(DeployTest, SecondConcurrentRunOnTheSameDatabaseExits3) {
  TestServer server;
  server.Route("/slow/", [](const TestRequest&) {
    std::this_thread::sleep_for(std::chrono::seconds(3));
    return TestResponse{200, "text/html", "<html><body>ok</body></html>", {}};
  });
  ASSERT_TRUE(server.Start());
  std::string dir = MakeTempDir();
  ASSERT_TRUE(WriteFile(dir + "/sites.yaml",
                        "sites:\n  - id: slow\n    name: ช้า\n    name_en: Slow\n"
                        "    url: " + server.url("/slow/") + "\n"));
  std::vector<std::string> argv = {
      OITWATCH_BINARY, "run", "--db", dir + "/o.db", "--sites",
      dir + "/sites.yaml", "--rules",
      std::string(OITWATCH_SOURCE_DIR) + "/config/rules/bma-district-2568.yaml",
      "--as-of", "2025-04-10", "--host-delay-ms", "0", "--allow-address",
      "127.0.0.1", "--format", "none", "--quiet"};
  ProcessResult first;
  std::thread runner([&] { first = RunProcess(argv, 60); });
  for (int i = 0; i < 100 && server.hits("/slow/") == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_GT(server.hits("/slow/"), 0) << "the first run is crawling";
  ProcessResult second = RunProcess(argv, 30);
  runner.join();
  EXPECT_EQ(second.exit_code, 3) << second.err;
  EXPECT_NE(second.err.find("another oitwatch run"), std::string::npos)
      << second.err;
  EXPECT_EQ(first.exit_code, 0) << first.err;  // the first is not disturbed
}

}  // namespace
}  // namespace oitwatch
