// A nightly budget spent where the evidence is: on every labelled corpus site,
// a crawl allowed only a third of the site's HTML pages (documents are fetched
// as found) gives the same verdicts as the unlimited crawl, because the
// frontier takes the ITA index page and links that match a rule first.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/test_corpus.h"
#include "tests/test_process.h"

namespace oitwatch {
namespace {

using nlohmann::json;

class CorpusBudgetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(portal_.Start());
    ASSERT_TRUE(external_.Start());
    std::string err;
    ASSERT_TRUE(LoadCorpus(std::string(OITWATCH_SOURCE_DIR) + "/tests/corpus",
                           &portal_, &external_, &corpus_, &err))
        << err;
    dir_ = MakeTempDir();
  }

  // Runs the binary over `sites_yaml`; returns the JSON report.
  json Run(const std::string& name, const std::string& sites_yaml,
           const std::vector<std::string>& extra) {
    std::string sites = dir_ + "/" + name + ".yaml";
    EXPECT_TRUE(WriteFile(sites, sites_yaml));
    std::vector<std::string> argv = {
        OITWATCH_BINARY, "run", "--sites", sites, "--rules",
        std::string(OITWATCH_SOURCE_DIR) + "/config/rules/bma-district-2568.yaml",
        "--db", dir_ + "/" + name + ".db", "--as-of", "2025-04-10",
        "--allow-address", "127.0.0.1", "--host-delay-ms", "0",
        "--host-connections", "4", "--format", "json", "--quiet"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    ProcessResult r = RunProcess(argv, 240);
    EXPECT_FALSE(r.timed_out) << r.err;
    json report = json::parse(r.out, nullptr, false);
    EXPECT_FALSE(report.is_discarded()) << r.err;
    return report;
  }

  // HTML pages the unlimited crawl fetched per site.
  std::map<std::string, int> PagesPerSite(const std::string& db_path) {
    SQLite::Database db(db_path);
    SQLite::Statement q(db,
                        "SELECT site_id, COUNT(*) FROM pages WHERE kind = 'page' "
                        "AND outcome IN ('ok', 'not_modified') GROUP BY site_id");
    std::map<std::string, int> pages;
    while (q.executeStep()) pages[q.getColumn(0).getString()] = q.getColumn(1).getInt();
    return pages;
  }

  // The corpus sites YAML reduced to the entry of one site.
  std::string OneSiteYaml(const std::string& id) {
    std::string all = CorpusSitesYaml(corpus_, portal_);
    size_t start = all.find("  - id: " + id + "\n");
    if (start == std::string::npos) return "";
    size_t end = all.find("\n  - id: ", start + 1);
    return "sites:\n" + all.substr(start, end == std::string::npos
                                              ? std::string::npos
                                              : end - start + 1);
  }

  TestServer portal_, external_;
  Corpus corpus_;
  std::string dir_;
};

TEST_F(CorpusBudgetTest, AThirdOfEachSitesPagesGivesTheUnlimitedVerdicts) {
  json full = Run("full", CorpusSitesYaml(corpus_, portal_), {});
  std::map<std::string, int> pages = PagesPerSite(dir_ + "/full.db");
  int compared = 0;
  std::string mismatches, budgets;
  for (const json& site : full["sites"]) {
    const std::string id = site["id"];
    if (site["state"] != "checked") continue;
    int budget = std::max(1, (pages[id] + 2) / 3);
    budgets += " " + id + " " + std::to_string(budget) + "/" + std::to_string(pages[id]);
    json cut = Run(id, OneSiteYaml(id), {"--max-pages-per-site", std::to_string(budget)});
    ASSERT_EQ(cut["sites"].size(), 1u) << id;
    const json& items = cut["sites"][0]["items"];
    for (size_t i = 0; i < site["items"].size(); ++i) {
      ++compared;
      if (items[i]["status"] == site["items"][i]["status"]) continue;
      mismatches += id + " " + site["items"][i]["id"].get<std::string>() +
                    " (budget " + std::to_string(budget) + " of " +
                    std::to_string(pages[id]) + " pages): unlimited " +
                    site["items"][i]["status"].get<std::string>() + ", budget " +
                    items[i]["status"].get<std::string>() + "\n";
    }
  }
  std::printf("compared %d items at a third of each site's pages (budget/pages:%s)\n%s",
              compared, budgets.c_str(), mismatches.c_str());
  EXPECT_GT(compared, 200);
  EXPECT_TRUE(mismatches.empty()) << mismatches;
}

}  // namespace
}  // namespace oitwatch
