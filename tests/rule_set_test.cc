// LoadRuleSet: the rule file format (see config/rules/*.yaml) and every
// check of the loader, each problem reported as "FILE:LINE: what".
#include "rules/rule_set.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "rules/matcher.h"

namespace oitwatch {
namespace {

std::string Fixture(const std::string& name) {
  return std::string(OITWATCH_SOURCE_DIR) + "/tests/fixtures/rules/" + name;
}

// Writes `body` after a valid header to a file unique to the running test.
std::string WriteRules(const std::string& body, bool with_header = true) {
  const testing::TestInfo* info =
      testing::UnitTest::GetInstance()->current_test_info();
  const std::string path =
      testing::TempDir() + "/rule_set_test_" + info->name() + ".yaml";
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (with_header) {
    out << "ruleset: t\nversion: \"1\"\nfiscal_year: 2568\ntitle: t\n";
  }
  out << body;
  return path;
}

// One item, one component; `component_extra` is appended to the component.
std::string OneComponent(const std::string& component_extra) {
  return "items:\n"
         "  - id: O5\n"
         "    title: แผน\n"
         "    components:\n"
         "      - id: plan\n"
         "        title: แผนปฏิบัติราชการ\n" +
         component_extra;
}

std::string LoadError(const std::string& path) {
  RuleSet rules;
  std::string err;
  EXPECT_FALSE(LoadRuleSet(path, &rules, &err)) << path;
  return err;
}

TEST(RuleSetTest, LoadsValidFile) {
  RuleSet rules;
  std::string err;
  ASSERT_TRUE(LoadRuleSet(Fixture("valid.yaml"), &rules, &err)) << err;
  EXPECT_EQ(rules.id, "test-district");
  EXPECT_EQ(rules.version, "2568.1");
  EXPECT_EQ(rules.fiscal_year, 2568);
  EXPECT_EQ(rules.title, "OIT ทดสอบ 2568");
  EXPECT_TRUE(rules.provisional);
  EXPECT_EQ(rules.path, Fixture("valid.yaml"));
  ASSERT_EQ(rules.placeholders.size(), 2u);
  EXPECT_EQ(rules.placeholders[0].line, 8);
  ASSERT_EQ(rules.items.size(), 2u);
  const Item& o1 = rules.items[0];
  EXPECT_EQ(o1.id, "O1");
  EXPECT_EQ(o1.title, "ข้อมูลพื้นฐานของสำนักงานเขต");
  EXPECT_EQ(o1.title_en, "Basic information");
  EXPECT_EQ(o1.subindicator, "9.1");
  EXPECT_EQ(o1.confidence, "I");
  EXPECT_EQ(o1.line, 11);
  ASSERT_EQ(o1.components.size(), 1u);
  const Component& structure = o1.components[0];
  EXPECT_EQ(structure.freshness, Freshness::kInForce);
  EXPECT_FALSE(structure.external_ok);
  ASSERT_EQ(structure.patterns.size(), 2u);
  EXPECT_EQ(structure.patterns[0].field, Field::kLinkText);
  EXPECT_EQ(structure.patterns[0].line, 22);
  EXPECT_EQ(structure.patterns[1].field, Field::kUrl);
  EXPECT_EQ(structure.patterns[1].regex, "(?i)structure");
  ASSERT_EQ(structure.exclude.size(), 1u);
  EXPECT_EQ(structure.exclude[0].regex, "ข่าว");
  const Component& summary = rules.items[1].components[0];
  EXPECT_EQ(summary.freshness, Freshness::kMonthly);
  EXPECT_TRUE(summary.external_ok);
  EXPECT_EQ(summary.patterns.size(), 3u);
}

TEST(RuleSetTest, FieldAndFreshnessNamesRoundTrip) {
  for (const char* name :
       {"link_text", "url", "title", "headings", "page_text", "doc_text"}) {
    Field field;
    ASSERT_TRUE(ParseField(name, &field)) << name;
    EXPECT_STREQ(FieldName(field), name);
  }
  for (const char* name : {"current_fy", "previous_fy", "first_half", "monthly",
                           "in_force", "live"}) {
    Freshness freshness;
    ASSERT_TRUE(ParseFreshness(name, &freshness)) << name;
    EXPECT_STREQ(FreshnessName(freshness), name);
  }
  Field field;
  Freshness freshness;
  EXPECT_FALSE(ParseField("body", &field));
  EXPECT_FALSE(ParseFreshness("yearly", &freshness));
}

TEST(RuleSetTest, MissingFileIsAnError) {
  const std::string path = testing::TempDir() + "/no_such_rules.yaml";
  EXPECT_EQ(LoadError(path), path + ": cannot open rule file");
}

TEST(RuleSetTest, YamlSyntaxErrorHasLine) {
  const std::string err = LoadError(Fixture("syntax_error.yaml"));
  EXPECT_EQ(err.rfind(Fixture("syntax_error.yaml") + ":", 0), 0u) << err;
  EXPECT_NE(err.find("YAML:"), std::string::npos) << err;
  EXPECT_EQ(err.find(":0:"), std::string::npos) << err;
}

TEST(RuleSetTest, EmptyFileIsAnError) {
  const std::string path = WriteRules("", false);
  EXPECT_EQ(LoadError(path), path + ":1: empty rule file");
}

TEST(RuleSetTest, ZeroItemsIsAnError) {
  const std::string err = LoadError(Fixture("no_items.yaml"));
  EXPECT_EQ(err, Fixture("no_items.yaml") + ":5: rule set has no items");
}

TEST(RuleSetTest, MissingTopLevelKeysAreNamed) {
  const std::string path = WriteRules("ruleset: t\n", false);
  const std::string err = LoadError(path);
  for (const char* key : {"version", "fiscal_year", "title", "items"}) {
    EXPECT_NE(err.find("missing required key '" + std::string(key) + "'"),
              std::string::npos)
        << key << "\n"
        << err;
  }
}

TEST(RuleSetTest, FiscalYearMustBeBuddhistEra) {
  const std::string path =
      WriteRules("ruleset: t\nversion: \"1\"\nfiscal_year: 2025\ntitle: t\n" +
                     OneComponent("        freshness: live\n        match:\n"
                                  "          url: ['x']\n"),
                 false);
  EXPECT_EQ(LoadError(path), path +
                                 ":3: fiscal_year must be a Buddhist-era year "
                                 "such as 2568, got '2025'");
}

TEST(RuleSetTest, PatternThatDoesNotCompileNamesItemAndComponent) {
  const std::string path =
      WriteRules(OneComponent("        freshness: current_fy\n"
                              "        match:\n"
                              "          link_text:\n"
                              "            - '(abc'\n"));
  EXPECT_EQ(LoadError(path),
            path +
                ":14: item O5 component plan: pattern does not compile: "
                "missing ): (abc");
}

TEST(RuleSetTest, BackreferenceIsRejected) {
  const std::string path =
      WriteRules(OneComponent("        freshness: current_fy\n"
                              "        match:\n"
                              "          page_text: ['(a)\\1']\n"));
  const std::string err = LoadError(path);
  EXPECT_NE(err.find(":13: item O5 component plan: pattern does not compile"),
            std::string::npos)
      << err;
}

TEST(RuleSetTest, OversizedPatternIsRejected) {
  const std::string path =
      WriteRules(OneComponent("        freshness: current_fy\n"
                              "        match:\n"
                              "          page_text: ['(\\pL\\pN){1000}']\n"));
  const std::string err = LoadError(path);
  EXPECT_NE(err.find(":13: item O5 component plan: pattern does not compile: "
                     "pattern too large"),
            std::string::npos)
      << err;
}

TEST(RuleSetTest, UnknownKeyIsReportedAsTypo) {
  const std::string path =
      WriteRules(OneComponent("        freshness: current_fy\n"
                              "        external: true\n"
                              "        match:\n"
                              "          url: ['plan']\n"));
  EXPECT_EQ(LoadError(path),
            path + ":12: item O5 component plan: unknown key 'external'");
}

TEST(RuleSetTest, SpaceBetweenThaiLettersIsRejected) {
  const std::string path = WriteRules(OneComponent(
      "        freshness: current_fy\n"
      "        match:\n"
      "          link_text: ['แผนปฏิบัติราชการ ประจำปี', 'FY 2568']\n"));
  const std::string err = LoadError(path);
  EXPECT_NE(
      err.find(":13: item O5 component plan: pattern has a space between Thai"),
      std::string::npos)
      << err;
  EXPECT_EQ(err.find('\n'), std::string::npos) << "only one problem: " << err;
}

// RE2 looks for a match anywhere, so a pattern that matches empty text
// matches every text of its field: on a page saying only "hello" it found
// "evidence" and the item passed (red team R2/R3).
TEST(RuleSetTest, PatternThatMatchesEmptyTextIsRejectedWithItsLine) {
  for (const std::string pattern :
       {"แผนปฏิบัติราชการ|", "(แผน)?", "^", "x*", ".*", "$", "(?i)(?:)"}) {
    const std::string path = WriteRules(OneComponent(
        "        freshness: current_fy\n"
        "        match:\n"
        "          link_text: ['แผนปฏิบัติราชการ']\n"
        "          page_text: ['" + pattern + "']\n"));
    EXPECT_EQ(LoadError(path),
              path + ":14: item O5 component plan: pattern '" + pattern +
                  "' matches empty text, so every page would be evidence");
  }
}

// `notices` (whole lines that make a page a placeholder only as its main
// content, rules/placeholder_page.h) load with their lines, and one that
// matches empty text is refused like a placeholder.
TEST(RuleSetTest, NoticesLoadWithTheirLinesAndMustNotMatchEmptyText) {
  const std::string component =
      OneComponent("        freshness: current_fy\n"
                   "        match:\n"
                   "          link_text: ['แผนปฏิบัติราชการ']\n");
  RuleSet rules;
  std::string err;
  const std::string good = WriteRules(
      "notices:\n  - '(ยัง)?ไม่มีข้อมูล'\n  - 'อยู่ระหว่างดำเนินการ'\n" +
      component);
  ASSERT_TRUE(LoadRuleSet(good, &rules, &err)) << err;
  ASSERT_EQ(rules.notices.size(), 2u);
  EXPECT_EQ(rules.notices[0].regex, "(ยัง)?ไม่มีข้อมูล");
  EXPECT_EQ(rules.notices[1].line, 7);
  const std::string bad = WriteRules("notices: ['(ยัง)?']\n" + component);
  EXPECT_EQ(LoadError(bad),
            bad + ":5: notices: pattern '(ยัง)?' matches empty text, so "
                  "every short page could be a placeholder");
}

TEST(RuleSetTest, PlaceholderOrExcludeThatMatchesEmptyTextIsRejected) {
  const std::string path = WriteRules(
      "placeholders: ['อยู่ระหว่างปรับปรุง', 'soon|']\n" +
      OneComponent("        freshness: current_fy\n"
                   "        match:\n"
                   "          link_text: ['แผนปฏิบัติราชการ']\n"
                   "        exclude:\n"
                   "          link_text: ['ร่าง', '(ร่าง)*']\n"));
  const std::string err = LoadError(path);
  EXPECT_NE(err.find(path + ":5: placeholders: pattern 'soon|' matches empty "
                            "text, so every page would be a placeholder"),
            std::string::npos) << err;
  EXPECT_NE(err.find(path + ":16: item O5 component plan (exclude): pattern "
                            "'(ร่าง)*' matches empty text, so every candidate "
                            "would be excluded"),
            std::string::npos) << err;
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
}

// Patterns that need at least one character still load.
TEST(RuleSetTest, PatternsThatNeedTextStillLoad) {
  const std::string path = WriteRules(OneComponent(
      "        freshness: current_fy\n"
      "        match:\n"
      "          link_text: ['แผน(ปฏิบัติราชการ)?', '^O5$', 'x+', '(?:a|b)c?']\n"));
  RuleSet rules;
  std::string err;
  EXPECT_TRUE(LoadRuleSet(path, &rules, &err)) << err;
}

// A directory made yaml-cpp throw std::ios_failure, which nothing caught:
// the process aborted (SIGABRT) instead of naming the file.
TEST(RuleSetTest, DirectoryIsNotARegularFile) {
  const std::string dir = testing::TempDir() + "/rule_set_test_dir";
  std::filesystem::create_directories(dir);
  EXPECT_EQ(LoadError(dir), dir + ": not a regular file");
}

TEST(RuleSetTest, ComponentNeedsAPattern) {
  const std::string path =
      WriteRules(OneComponent("        freshness: current_fy\n"));
  EXPECT_EQ(
      LoadError(path),
      path + ":9: item O5 component plan: needs at least one match pattern");
}

TEST(RuleSetTest, ExternalOkMustBeBoolean) {
  const std::string path =
      WriteRules(OneComponent("        freshness: live\n"
                              "        external_ok: maybe\n"
                              "        match:\n"
                              "          url: ['x']\n"));
  EXPECT_EQ(
      LoadError(path),
      path +
          ":12: item O5 component plan: 'external_ok' must be true or false");
}

TEST(RuleSetTest, ReportsEveryProblemWithItsLine) {
  const std::string path = Fixture("many_problems.yaml");
  const std::string err = LoadError(path);
  const char* expected[] = {
      ":12: item O1 component a: unknown key 'freshnes'",
      ":10: item O1 component a: missing required key 'freshness'",
      ":14: item O1 component a: unknown field 'link_txt'",
      ":14: item O1 component a: needs at least one match pattern",
      ":20: item O1 component b: unknown freshness 'yearly'",
      ":22: item O1 component b: pattern does not compile: missing ): (abc",
      ":27: item O1 component b: pattern has a space between Thai letters",
      ":23: item O1: duplicate component id 'b'",
      ":15: duplicate item id 'O1'",
      ":30: item O3: needs at least one component",
  };
  size_t last = 0;  // in the order the file is read, pattern checks too
  for (const char* line : expected) {
    const size_t at = err.find(path + line);
    EXPECT_NE(at, std::string::npos) << line << "\n" << err;
    if (at == std::string::npos) continue;
    EXPECT_GE(at, last) << line << " comes too early:\n" << err;
    last = at;
  }
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n') + 1,
            static_cast<long>(std::size(expected)))
      << err;
}

// The patterns are checked on the whole rule set's Matcher when it
// compiles; when one pattern does not, each is compiled alone, and a
// pattern that matches empty text is found all the same.
TEST(RuleSetTest, EmptyMatchIsFoundWhenAnotherPatternDoesNotCompile) {
  const std::string path = WriteRules(OneComponent(
      "        freshness: current_fy\n"
      "        match:\n"
      "          link_text: ['(แผน']\n"
      "          page_text: ['x*']\n"));
  const std::string err = LoadError(path);
  EXPECT_EQ(err, path + ":13: item O5 component plan: pattern does not "
                        "compile: missing ): (แผน\n" +
                     path + ":14: item O5 component plan: pattern 'x*' "
                            "matches empty text, so every page would be "
                            "evidence");
}

// The Matcher the load compiled is handed over, ready to match.
TEST(RuleSetTest, HandsOverTheMatcherItCheckedThePatternsOn) {
  RuleSet rules;
  std::string err;
  std::unique_ptr<Matcher> matcher;
  ASSERT_TRUE(LoadRuleSet(Fixture("valid.yaml"), &rules, &err, &matcher))
      << err;
  ASSERT_NE(matcher, nullptr);
  EXPECT_EQ(matcher->rules().items.size(), rules.items.size());
  std::vector<FieldMatch> m =
      matcher->Match(Field::kLinkText, "ดาวน์โหลดโครงสร้างองค์กรสำนักงานเขต");
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].item_id, "O1");
}

// The shipped rule files (written alongside this code) must load cleanly and
// compile into a Matcher.
TEST(RuleSetTest, ShippedRuleFilesLoad) {
  const std::filesystem::path dir =
      std::filesystem::path(OITWATCH_SOURCE_DIR) / "config" / "rules";
  int loaded = 0;
  if (std::filesystem::is_directory(dir)) {
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      if (entry.path().extension() != ".yaml") continue;
      RuleSet rules;
      std::string err;
      EXPECT_TRUE(LoadRuleSet(entry.path().string(), &rules, &err)) << err;
      EXPECT_NE(Matcher::Create(rules, &err), nullptr) << err;
      ++loaded;
    }
  }
  if (loaded == 0) GTEST_SKIP() << "no rule files in " << dir;
}

}  // namespace
}  // namespace oitwatch
