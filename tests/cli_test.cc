// Flags and files that are wrong are refused before anything happens, through
// the real binary: exit 2 with the reason, no site fetched, no database or
// lock file written (red team F1-F4, F11, D1). A reading command given a
// database that does not exist says so instead of creating an empty one.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/test_process.h"
#include "tests/test_server.h"

namespace oitwatch {
namespace {

class CliTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir();
    ASSERT_FALSE(dir_.empty());
    server_.Route("/laksi/", TestResponse{200,
                                          "text/html; charset=utf-8",
                                          "<html><head><title>หลักสี่</title>"
                                          "</head><body>หน้าแรก</body></html>",
                                          {}});
    ASSERT_TRUE(server_.Start());
    sites_ = dir_ + "/sites.yaml";
    ASSERT_TRUE(WriteFile(sites_, SitesYaml(server_.url("/laksi/"), "")));
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  static std::string SitesYaml(const std::string& url,
                               const std::string& extra) {
    return "sites:\n  - id: laksi\n    name: หลักสี่\n    name_en: Lak Si\n"
           "    url: " +
           url + "\n" + extra;
  }
  // `oitwatch run` on the test site with `extra` flags appended; --rules,
  // --format and --as-of only when `extra` has none (CLI11 takes each once).
  ProcessResult Run(const std::vector<std::string>& extra,
                    const std::string& sites = "") {
    std::vector<std::string> argv = {OITWATCH_BINARY,
                                     "run",
                                     "--db",
                                     db(),
                                     "--sites",
                                     sites.empty() ? sites_ : sites,
                                     "--host-delay-ms",
                                     "0",
                                     "--allow-address",
                                     "127.0.0.1",
                                     "--quiet",
                                     "--no-alerts"};
    const auto has = [&](const char* flag) {
      return std::find(extra.begin(), extra.end(), flag) != extra.end();
    };
    if (!has("--rules")) argv.insert(argv.end(), {"--rules", Rules()});
    if (!has("--format")) argv.insert(argv.end(), {"--format", "none"});
    if (!has("--as-of")) argv.insert(argv.end(), {"--as-of", "2025-04-10"});
    argv.insert(argv.end(), extra.begin(), extra.end());
    return RunProcess(argv, 120);
  }
  static std::string Rules() {
    return std::string(OITWATCH_SOURCE_DIR) +
           "/config/rules/bma-district-2568.yaml";
  }
  std::string db() const { return dir_ + "/o.db"; }
  // Exit 2 with `reason` on stderr, and nothing fetched or written.
  void ExpectRefusedUntouched(const ProcessResult& r,
                              const std::string& reason) {
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(r.signal, 0) << r.err;
    EXPECT_NE(r.err.find(reason), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(db())) << r.err;
    EXPECT_FALSE(std::filesystem::exists(db() + ".lock")) << r.err;
    EXPECT_EQ(server_.requests().size(), 0u) << r.err;
  }
  std::string dir_, sites_;
  TestServer server_;
};

// The format was checked only when the report was printed: after the crawl,
// the stored run and the alerts (red team F1).
TEST_F(CliTest, RunWithUnknownFormatIsRefusedBeforeTheCrawl) {
  ProcessResult r = Run({"--format", "xml"});
  ExpectRefusedUntouched(
      r, "--format: expected text, json, csv, sheet or none, got 'xml'");
}

// --help lists sheet among run's formats; it must work.
TEST_F(CliTest, RunPrintsTheSubmissionSheetFormat) {
  ProcessResult r = Run({"--format", "sheet"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("O1"), std::string::npos) << r.out;
  ProcessResult help = RunProcess({OITWATCH_BINARY, "run", "--help"}, 60);
  EXPECT_NE(help.out.find("text, json, csv, sheet or none"), std::string::npos)
      << help.out;
}

// yaml-cpp threw std::ios_failure on a directory and the process aborted
// (SIGABRT, exit 134) (red team F2).
TEST_F(CliTest, FileFlagNamingADirectoryIsAUsageError) {
  const std::string dir = dir_ + "/a-directory";
  std::filesystem::create_directory(dir);
  ExpectRefusedUntouched(Run({}, dir), dir + ": not a regular file");
  ExpectRefusedUntouched(Run({"--rules", dir}), dir + ": not a regular file");
  ExpectRefusedUntouched(Run({"--overrides", dir}),
                         dir + ": not a regular file");
}

// The site loader gets the alert sender's own address check (red team S15)
// and refuses a URL with a password in it (S10).
TEST_F(CliTest, SitesFileIsCheckedLikeTheSenderAndTheFetcherWould) {
  const std::string sites = dir_ + "/bad-sites.yaml";
  ASSERT_TRUE(WriteFile(
      sites, SitesYaml(server_.url("/laksi/"), "    contacts: [\"a@@b\"]\n")));
  ExpectRefusedUntouched(Run({}, sites),
                         ":6: site: contact e-mail address \"a@@b\" rejected");
  std::string url = server_.url("/laksi/");
  url.replace(0, 7, "http://user:secret@");
  ASSERT_TRUE(WriteFile(sites, SitesYaml(url, "")));
  ProcessResult r = Run({}, sites);
  ExpectRefusedUntouched(r, ":5: site laksi: url has a user name or password");
  EXPECT_EQ(r.err.find("secret"), std::string::npos) << r.err;
}

// --resolve and --allow-address were checked only by the fetcher, after the
// run was recorded as failed; a port of 99999 passed and left every site
// unchecked (red team F3, F4).
TEST_F(CliTest, BadReachFlagsAreRefusedBeforeTheDatabase) {
  const struct {
    std::vector<std::string> flags;
    std::string reason;
  } kCases[] = {
      {{"--resolve", "garbage"}, "--resolve: expected HOST:PORT:ADDRESS"},
      {{"--resolve", "h:99999:1.2.3.4"}, "got 'h:99999:1.2.3.4'"},
      {{"--resolve", "h:80:not-an-ip"}, "got 'h:80:not-an-ip'"},
      {{"--resolve", "h:80:"}, "got 'h:80:'"},
      {{"--allow-address", "not-an-ip"}, "'not-an-ip' is not an IP address"},
      {{"--allow-address", "127.0.0.1/99"}, "'127.0.0.1/99' is not an IP"},
      {{"--webhook-allow-address", "10.0.0.0/40"},
       "--webhook-allow-address: '10.0.0.0/40' is not an IP address"},
  };
  for (const auto& c : kCases) ExpectRefusedUntouched(Run(c.flags), c.reason);
}

// The delivery and PDF-reader limits of this session: out-of-range values
// are usage errors before anything is written.
TEST_F(CliTest, OutOfRangeAlertAndPdfLimitsAreRefusedBeforeTheDatabase) {
  ExpectRefusedUntouched(Run({"--alert-timeout-ms", "5"}),
                         "--alert-timeout-ms: Value 5 not in range");
  ExpectRefusedUntouched(Run({"--pdf-timeout-ms", "0"}),
                         "--pdf-timeout-ms: Value 0 not in range");
  ExpectRefusedUntouched(Run({"--pdf-memory-mb", "1"}),
                         "--pdf-memory-mb: Value 1 not in range");
}

TEST_F(CliTest, GoodResolveEntriesAreAccepted) {
  ProcessResult r = Run({"--resolve", "laksi.test:80:127.0.0.1", "--resolve",
                         "+v6.test:443:[::1],127.0.0.1"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

// An empty --as-of meant today; a Buddhist-era year (2568-04-10) was taken
// as the year 2568 CE (red team F8, F9).
TEST_F(CliTest, AsOfThatIsEmptyOrBuddhistEraIsRefused) {
  ExpectRefusedUntouched(Run({"--as-of", ""}),
                         "--as-of: expected YYYY-MM-DD (Common Era), got ''");
  ExpectRefusedUntouched(
      Run({"--as-of", "2568-04-10", "--fiscal-year", "2568"}),
      "--as-of: '2568-04-10' looks like a Buddhist-era year: give the Common "
      "Era date (2025-04-10)");
}

// Rules whose every pattern compiles but whose patterns together do not fit
// the matcher's memory (80 long placeholders) are a usage error found before
// the lock and the database are touched: the whole set is compiled while
// the rules load.
TEST_F(CliTest, RulesThatDoNotFitTogetherAreRefusedBeforeTheDatabase) {
  std::string placeholders = "placeholders:\n";
  for (int i = 0; i < 80; ++i) {
    placeholders += "  - 'ph" + std::to_string(i) +
                    "[ab]{900}[cd]{900}[ef]{900}z'\n";
  }
  std::ifstream in(Rules());
  std::stringstream shipped;
  shipped << in.rdbuf();
  std::string text = shipped.str();
  const size_t at = text.find("placeholders:\n");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, std::string("placeholders:\n").size(), placeholders);
  const std::string rules = dir_ + "/too-big.yaml";
  ASSERT_TRUE(WriteFile(rules, text));
  ExpectRefusedUntouched(Run({"--rules", rules}),
                         "placeholder patterns do not fit in memory");
}

// Judging FY2568 with the FY2567 rules is allowed but said (red team R5).
TEST_F(CliTest, RulesWrittenForAnotherFiscalYearAreNamed) {
  const std::string rules =
      std::string(OITWATCH_SOURCE_DIR) + "/config/rules/bma-district-2567.yaml";
  ProcessResult r = Run({"--rules", rules});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("oitwatch run: warning: " + rules +
                       " was written for FY2567; judging FY2568"),
            std::string::npos)
      << r.err;
  std::filesystem::remove(db());
  r = Run({});
  EXPECT_EQ(r.err.find("warning"), std::string::npos) << r.err;
}

// CLI11 ignored keys that name no flag: a typo or a broken [section line in
// the nightly config and the run went ahead on defaults (red team F11).
TEST_F(CliTest, ConfigFileWithUnknownKeyOrBrokenSectionIsAnError) {
  const struct {
    std::string toml;
    std::string reason;
  } kCases[] = {
      {"[run]\nfrobnicate = 1\n", "run.frobnicate"},
      {"[run\ndb = \"x.db\"\n", "[run"},
  };
  for (const auto& c : kCases) {
    const std::string config = dir_ + "/oitwatch.toml";
    ASSERT_TRUE(WriteFile(config, c.toml));
    ProcessResult r = RunProcess(
        {OITWATCH_BINARY, "--config", config, "run", "--db", db(), "--sites",
         sites_, "--rules", Rules(), "--as-of", "2025-04-10", "--allow-address",
         "127.0.0.1", "--quiet", "--format", "none"},
        120);
    ExpectRefusedUntouched(r, c.reason);
  }
}

// The shipped example config still parses (every key names a flag).
TEST_F(CliTest, ShippedConfigIsAccepted) {
  ProcessResult r =
      RunProcess({OITWATCH_BINARY, "--config",
                  std::string(OITWATCH_SOURCE_DIR) + "/deploy/oitwatch.toml",
                  "report", "--db", db()},
                 60);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("oitwatch report: no database at " + db()),
            std::string::npos)
      << r.err;
}

// `runs` and `alerts list|send` created an empty database and said nothing
// (red team D1); `report` already refused.
TEST_F(CliTest, ReadingCommandsDoNotCreateADatabase) {
  const std::vector<std::vector<std::string>> kCommands = {
      {"runs"}, {"alerts", "list"}, {"alerts", "send"}, {"report"}};
  for (const auto& command : kCommands) {
    std::vector<std::string> argv = {OITWATCH_BINARY};
    argv.insert(argv.end(), command.begin(), command.end());
    argv.insert(argv.end(), {"--db", db()});
    ProcessResult r = RunProcess(argv, 60);
    EXPECT_EQ(r.exit_code, 2) << command.back() << ": " << r.err;
    EXPECT_NE(r.err.find("no database at " + db()), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(db())) << command.back();
    EXPECT_FALSE(std::filesystem::exists(db() + ".alerts.lock"))
        << command.back();
  }
}

}  // namespace
}  // namespace oitwatch
