#include "rules/overrides.h"

#include <gtest/gtest.h>

#include "tests/test_process.h"

namespace oitwatch {
namespace {

RuleSet TwoItems() {
  RuleSet rules;
  rules.id = "test";
  rules.version = "1";
  Item o3{"O3", "โรงเรียนสังกัดกรุงเทพมหานครในพื้นที่เขต", "", "9.1", "I", "", {}, 0};
  o3.components.push_back(Component{"list", "รายชื่อโรงเรียน", Freshness::kInForce});
  Item o5{"O5", "แผนปฏิบัติราชการประจำปี", "", "9.2", "I", "", {}, 0};
  o5.components.push_back(Component{"plan", "แผนปฏิบัติราชการ", Freshness::kCurrentFy});
  rules.items = {o3, o5};
  return rules;
}

std::string WriteOverrides(const std::string& yaml) {
  std::string path = MakeTempDir() + "/overrides.yaml";
  EXPECT_TRUE(WriteFile(path, yaml));
  return path;
}

JudgeContext Fy2568() { return JudgeContext{2568, 2025, 4, 10}; }

TEST(OverridesTest, LoadsPinnedUrlAndNotApplicable) {
  std::string path = WriteOverrides(
      "overrides:\n"
      "  - site: laksi\n    item: O5\n    url: https://example.go.th/plan.pdf\n"
      "  - site: laksi\n    item: O3\n    not_applicable: true\n"
      "    note: ไม่มีโรงเรียนในพื้นที่\n");
  std::vector<Override> overrides;
  std::string err;
  ASSERT_TRUE(LoadOverrides(path, TwoItems(), {"laksi"}, &overrides, &err)) << err;
  ASSERT_EQ(overrides.size(), 2u);
  EXPECT_EQ(overrides[0].url, "https://example.go.th/plan.pdf");
  EXPECT_TRUE(overrides[1].not_applicable);
  EXPECT_EQ(overrides[1].line, 5);
}

TEST(OverridesTest, EveryBadEntryIsReportedWithItsLine) {
  std::string path = WriteOverrides(
      "overrides:\n"
      "  - site: nosuch\n    item: O5\n    url: https://x/\n"        // line 2
      "  - site: laksi\n    item: O99\n    url: https://x/\n"        // line 5
      "  - site: laksi\n    item: O5\n    url: javascript:alert(1)\n" // line 8
      "  - site: laksi\n    item: O3\n    url: https://x/\n    not_applicable: true\n"
      "  - site: laksi\n    item: O3\n    nota: 1\n");               // line 15
  std::vector<Override> overrides;
  std::string err;
  EXPECT_FALSE(LoadOverrides(path, TwoItems(), {"laksi"}, &overrides, &err));
  EXPECT_NE(err.find("overrides.yaml:2: unknown site 'nosuch'"), std::string::npos) << err;
  EXPECT_NE(err.find("overrides.yaml:5: unknown item 'O99'"), std::string::npos) << err;
  EXPECT_NE(err.find("overrides.yaml:8: url must be http"), std::string::npos) << err;
  EXPECT_NE(err.find("overrides.yaml:11: "), std::string::npos) << err;
  EXPECT_NE(err.find("overrides.yaml:15: unknown key 'nota'"), std::string::npos) << err;
}

TEST(OverridesTest, DuplicateSiteItemIsAnError) {
  std::string path = WriteOverrides(
      "overrides:\n"
      "  - {site: laksi, item: O5, url: 'https://x/a.pdf'}\n"
      "  - {site: laksi, item: O5, url: 'https://x/b.pdf'}\n");
  std::vector<Override> overrides;
  std::string err;
  EXPECT_FALSE(LoadOverrides(path, TwoItems(), {"laksi"}, &overrides, &err));
  EXPECT_NE(err.find(":3: a second override for laksi O5"), std::string::npos) << err;
}

TEST(OverridesTest, MalformedYamlAndMissingFileGiveClearErrors) {
  std::vector<Override> overrides;
  std::string err;
  EXPECT_FALSE(LoadOverrides(WriteOverrides("overrides: [\n"), TwoItems(), {"laksi"},
                             &overrides, &err));
  EXPECT_NE(err.find("overrides.yaml:"), std::string::npos) << err;
  EXPECT_FALSE(LoadOverrides("/nonexistent/o.yaml", TwoItems(), {"laksi"}, &overrides,
                             &err));
  EXPECT_NE(err.find("cannot read"), std::string::npos) << err;
}

// A directory made yaml-cpp throw std::ios_failure past the YAML::Exception
// handler: `run --overrides DIR` aborted with SIGABRT (red team F2).
TEST(OverridesTest, DirectoryIsNotARegularFile) {
  const std::string dir = MakeTempDir();
  std::vector<Override> overrides;
  std::string err;
  EXPECT_FALSE(LoadOverrides(dir, TwoItems(), {"laksi"}, &overrides, &err));
  EXPECT_EQ(err, dir + ": not a regular file");
}

std::vector<ItemVerdict> MissingBoth() {
  ItemVerdict o3{"O3", "t", ItemStatus::kMissing, "ไม่พบ", {"รายชื่อโรงเรียน"}, {}, {}};
  ItemVerdict o5{"O5", "t", ItemStatus::kMissing, "ไม่พบ", {"แผน"}, {}, {}};
  return {o3, o5};
}

TEST(OverridesTest, NotApplicableIsShownAsTheCommitteesDecision) {
  std::vector<ItemVerdict> verdicts = MissingBoth();
  Override o{"laksi", "O3", "", true, "ไม่มีโรงเรียน", 3};
  ApplyOverrides(TwoItems(), Fy2568(), {o}, {}, {}, &verdicts);
  EXPECT_EQ(verdicts[0].status, ItemStatus::kNotApplicable);
  EXPECT_STREQ(ItemStatusName(verdicts[0].status), "not_applicable");
  EXPECT_NE(verdicts[0].reason.find("committee"), std::string::npos);
  EXPECT_NE(verdicts[0].reason.find("ไม่มีโรงเรียน"), std::string::npos);
  EXPECT_EQ(verdicts[1].status, ItemStatus::kMissing) << "other items untouched";
}

UrlFacts Fetched(const std::string& url, int status, int fy) {
  UrlFacts f;
  f.url = url;
  f.kind = UrlKind::kDocument;
  f.fetched = true;
  f.ok = status == 200;
  f.http_status = status;
  f.outcome = status == 200 ? "ok" : "http_error";
  if (fy) {
    DateFact d;
    d.field = Field::kUrl;
    d.source = "url";
    d.fiscal_year = fy;
    d.year_be = fy;
    d.text = std::to_string(fy);
    f.dates.push_back(d);
  }
  return f;
}

TEST(OverridesTest, PinnedUrlOfTheRightYearPassesAndSaysItIsPinned) {
  std::vector<ItemVerdict> verdicts = MissingBoth();
  Override o{"laksi", "O5", "http://h/plan_2568.pdf", false, "", 2};
  ApplyOverrides(TwoItems(), Fy2568(), {o},
                 {Fetched("http://h/plan_2568.pdf", 200, 2568)}, {}, &verdicts);
  EXPECT_EQ(verdicts[1].status, ItemStatus::kPass) << verdicts[1].reason;
  EXPECT_NE(verdicts[1].reason.find("committee-pinned URL"), std::string::npos);
  ASSERT_FALSE(verdicts[1].evidence.empty());
  EXPECT_EQ(verdicts[1].evidence[0].url, "http://h/plan_2568.pdf");
}

TEST(OverridesTest, PinnedUrlThatBrokeIsBrokenNeverPass) {
  std::vector<ItemVerdict> verdicts = MissingBoth();
  verdicts[1].status = ItemStatus::kPass;  // the crawl found another copy
  Override o{"laksi", "O5", "http://h/plan_2568.pdf", false, "", 2};
  ApplyOverrides(TwoItems(), Fy2568(), {o},
                 {Fetched("http://h/plan_2568.pdf", 404, 2568)}, {}, &verdicts);
  EXPECT_EQ(verdicts[1].status, ItemStatus::kBroken)
      << "the assessors open the submitted URL, so its failure decides";
}

TEST(OverridesTest, PinnedUrlOfLastYearIsStale) {
  std::vector<ItemVerdict> verdicts = MissingBoth();
  Override o{"laksi", "O5", "http://h/plan_2567.pdf", false, "", 2};
  ApplyOverrides(TwoItems(), Fy2568(), {o},
                 {Fetched("http://h/plan_2567.pdf", 200, 2567)}, {}, &verdicts);
  EXPECT_EQ(verdicts[1].status, ItemStatus::kStale) << verdicts[1].reason;
}

}  // namespace
}  // namespace oitwatch
