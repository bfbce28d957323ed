// Matcher: candidate components per field, exclude patterns, matched text,
// placeholders, and compile errors with their rule-file line.
#include "rules/matcher.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>


namespace oitwatch {
namespace {

std::string Fixture(const std::string& name) {
  return std::string(OITWATCH_SOURCE_DIR) + "/tests/fixtures/rules/" + name;
}

std::unique_ptr<Matcher> FixtureMatcher() {
  RuleSet rules;
  std::string err;
  EXPECT_TRUE(LoadRuleSet(Fixture("valid.yaml"), &rules, &err)) << err;
  std::unique_ptr<Matcher> matcher = Matcher::Create(rules, &err);
  EXPECT_NE(matcher, nullptr) << err;
  return matcher;
}

RuleSet HandRules(const std::string& regex, Field field = Field::kLinkText) {
  RuleSet rules;
  rules.path = "hand.yaml";
  Item item;
  item.id = "O5";
  Component component;
  component.id = "plan";
  component.patterns.push_back(Pattern{field, regex, 7});
  item.components.push_back(component);
  rules.items.push_back(item);
  return rules;
}

TEST(MatcherTest, O1_StructureChartLinkText) {
  std::unique_ptr<Matcher> matcher = FixtureMatcher();
  ASSERT_NE(matcher, nullptr);
  std::vector<FieldMatch> m =
      matcher->Match(Field::kLinkText, "ดาวน์โหลดโครงสร้างองค์กรสำนักงานเขต");
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].item_id, "O1");
  EXPECT_EQ(m[0].component_id, "structure");
  EXPECT_EQ(m[0].matched, "โครงสร้างองค์กร");
  EXPECT_EQ(m[0].pattern_line, 22);
}

TEST(MatcherTest, O12_ProcurementSummaryLinkedFromHome) {
  std::unique_ptr<Matcher> matcher = FixtureMatcher();
  ASSERT_NE(matcher, nullptr);
  std::vector<FieldMatch> m = matcher->Match(
      Field::kLinkText, "สรุปผลการจัดซื้อจัดจ้างประจำเดือนตุลาคม 2567 (สขร.1)");
  ASSERT_EQ(m.size(), 1u) << "two patterns of one component: one match";
  EXPECT_EQ(m[0].item_id, "O12");
  EXPECT_EQ(m[0].component_id, "summary");
  EXPECT_EQ(m[0].matched, "สรุปผลการจัดซื้อจัดจ้าง");
}

TEST(MatcherTest, FieldsAreSeparate) {
  std::unique_ptr<Matcher> matcher = FixtureMatcher();
  ASSERT_NE(matcher, nullptr);
  EXPECT_TRUE(matcher->Match(Field::kLinkText, "/about/structure.pdf").empty());
  std::vector<FieldMatch> m =
      matcher->Match(Field::kUrl, "/about/Structure.pdf");
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].component_id, "structure");
  EXPECT_EQ(m[0].matched, "Structure");
  EXPECT_TRUE(matcher->Match(Field::kHeadings, "โครงสร้างองค์กร").empty());
}

TEST(MatcherTest, ExcludeDropsHitInSameField) {
  std::unique_ptr<Matcher> matcher = FixtureMatcher();
  ASSERT_NE(matcher, nullptr);
  EXPECT_TRUE(
      matcher->Match(Field::kLinkText, "ข่าวปรับโครงสร้างองค์กรใหม่").empty());
}

TEST(MatcherTest, ExcludeOfOneComponentDoesNotDropAnother) {
  RuleSet rules = HandRules("แผน");
  Component other;
  other.id = "news";
  other.patterns.push_back(Pattern{Field::kLinkText, "ข่าว", 9});
  rules.items[0].components[0].exclude.push_back(
      Pattern{Field::kLinkText, "ข่าว", 8});
  rules.items[0].components.push_back(other);
  std::string err;
  std::unique_ptr<Matcher> matcher = Matcher::Create(rules, &err);
  ASSERT_NE(matcher, nullptr) << err;
  std::vector<FieldMatch> m = matcher->Match(Field::kLinkText, "ข่าวแผนงาน");
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].component_id, "news");
}

// MatchWithExclusions reports the exclusion, so the judge can drop the URL
// from the component through its other fields too (red-team F1).
TEST(MatcherTest, MatchWithExclusionsNamesTheExcludedComponent) {
  RuleSet rules = HandRules("แผนปฏิบัติราชการ");
  rules.items[0].components[0].exclude.push_back(
      Pattern{Field::kLinkText, "รายงาน", 8});
  std::string err;
  std::unique_ptr<Matcher> matcher = Matcher::Create(rules, &err);
  ASSERT_NE(matcher, nullptr) << err;
  const std::string text = "รายงานผลการดำเนินงานตามแผนปฏิบัติราชการ รอบ 6 เดือน";
  EXPECT_TRUE(matcher->Match(Field::kLinkText, text).empty());
  std::vector<FieldMatch> m =
      matcher->MatchWithExclusions(Field::kLinkText, text);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_TRUE(m[0].excluded);
  EXPECT_EQ(m[0].component_id, "plan");
  EXPECT_EQ(m[0].matched, "รายงาน");
  EXPECT_EQ(m[0].pattern_line, 8);
  // A text the component's patterns do not match excludes nothing, even
  // when an exclude pattern matches it.
  EXPECT_TRUE(
      matcher->MatchWithExclusions(Field::kLinkText, "รายงานประจำปี").empty());
  // A plain hit comes back as one.
  m = matcher->MatchWithExclusions(Field::kLinkText, "แผนปฏิบัติราชการ 2568");
  ASSERT_EQ(m.size(), 1u);
  EXPECT_FALSE(m[0].excluded);
}

TEST(MatcherTest, ResultsFollowRuleOrder) {
  RuleSet rules = HandRules("แผน");
  Item second = rules.items[0];
  second.id = "O13";
  rules.items.insert(rules.items.begin(), second);
  std::string err;
  std::unique_ptr<Matcher> matcher = Matcher::Create(rules, &err);
  ASSERT_NE(matcher, nullptr) << err;
  std::vector<FieldMatch> m = matcher->Match(Field::kLinkText, "แผนการใช้จ่าย");
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].item_id, "O13");
  EXPECT_EQ(m[1].item_id, "O5");
}

TEST(MatcherTest, MatchedTextIsTheWholeMatchNotTheFirstGroup) {
  std::string err;
  std::unique_ptr<Matcher> matcher =
      Matcher::Create(HandRules("(แผน)ปฏิบัติราชการ(ประจำปี)?"), &err);
  ASSERT_NE(matcher, nullptr) << err;
  std::vector<FieldMatch> m =
      matcher->Match(Field::kLinkText, "ดู แผนปฏิบัติราชการประจำปี 2568");
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].matched, "แผนปฏิบัติราชการประจำปี");
  EXPECT_EQ(m[0].pattern_line, 7);
}

TEST(MatcherTest, MatchedTextIsCutTo200BytesOnUtf8Boundary) {
  std::string err;
  std::unique_ptr<Matcher> matcher = Matcher::Create(HandRules("ก+"), &err);
  ASSERT_NE(matcher, nullptr) << err;
  std::string text;
  for (int i = 0; i < 100; ++i) text += "ก";  // 300 bytes
  std::vector<FieldMatch> m = matcher->Match(Field::kLinkText, text);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].matched.size(), 198u);  // 66 whole characters
  EXPECT_EQ(m[0].matched, text.substr(0, 198));
}

TEST(MatcherTest, EmptyTextMatchesNothing) {
  std::unique_ptr<Matcher> matcher = FixtureMatcher();
  ASSERT_NE(matcher, nullptr);
  EXPECT_TRUE(matcher->Match(Field::kPageText, "").empty());
  EXPECT_TRUE(matcher->Match(Field::kDocText, "ไม่มีอะไร").empty());
}

TEST(MatcherTest, PlaceholderPatterns) {
  std::unique_ptr<Matcher> matcher = FixtureMatcher();
  ASSERT_NE(matcher, nullptr);
  EXPECT_TRUE(matcher->IsPlaceholder("หน้านี้อยู่ระหว่างปรับปรุงข้อมูล"));
  EXPECT_TRUE(matcher->IsPlaceholder("Page Coming Soon"));
  EXPECT_FALSE(matcher->IsPlaceholder("แผนปฏิบัติราชการประจำปี 2568"));
}

TEST(MatcherTest, CreateReportsBadPatternWithFileAndLine) {
  std::string err;
  EXPECT_EQ(Matcher::Create(HandRules("(abc"), &err), nullptr);
  EXPECT_EQ(err, "hand.yaml:7: item O5 component plan: missing ): (abc");
}

TEST(MatcherTest, RulesAreKept) {
  std::unique_ptr<Matcher> matcher = FixtureMatcher();
  ASSERT_NE(matcher, nullptr);
  EXPECT_EQ(matcher->rules().id, "test-district");
  EXPECT_EQ(matcher->rules().items.size(), 2u);
}

// A page's text of more than 2 KB: the matcher looks for the strings a
// match must hold (rules/atom_finder.h), one search per string. `phrase` at
// the start, in the middle or at the end of ~6 KB of lines that hold none of
// the tested patterns' letters but "ข".
std::string LongText(const std::string& phrase, int where) {
  std::string filler;
  while (filler.size() < 6000) filler += "ข้อมูลพื้นฐาน สำนักงานเขต 2568\n";
  if (where == 0) return phrase + "\n" + filler;
  if (where == 1) return filler + phrase + "\n" + filler;
  return filler + phrase;
}

std::vector<FieldMatch> MatchPageText(const std::string& regex,
                                      const std::string& text) {
  std::string err;
  std::unique_ptr<Matcher> matcher =
      Matcher::Create(HandRules(regex, Field::kPageText), &err);
  EXPECT_NE(matcher, nullptr) << err;
  if (matcher == nullptr) return {};
  return matcher->Match(Field::kPageText, text);
}

TEST(MatcherTest, LongTextMatchesWhereverThePhraseIs) {
  const std::string regex = "ไม่มีเรื่องร้องเรียน(การ)?(ทุจริต|ประพฤติมิชอบ)";
  for (int where : {0, 1, 2}) {
    std::vector<FieldMatch> m =
        MatchPageText(regex, LongText("ปี 2568 ไม่มีเรื่องร้องเรียนการทุจริต", where));
    ASSERT_EQ(m.size(), 1u) << "phrase at " << where;
    EXPECT_EQ(m[0].matched, "ไม่มีเรื่องร้องเรียนการทุจริต");
    m = MatchPageText(regex, LongText("ไม่มีเรื่องร้องเรียนประพฤติมิชอบ", where));
    ASSERT_EQ(m.size(), 1u) << "phrase at " << where;
    EXPECT_EQ(m[0].matched, "ไม่มีเรื่องร้องเรียนประพฤติมิชอบ");
  }
  // The literal's start without the rest, or the rest alone: no match.
  EXPECT_TRUE(MatchPageText(regex, LongText("ไม่มีเรื่องร้องเรียนอื่น", 1)).empty());
  EXPECT_TRUE(MatchPageText(regex, LongText("เรื่องร้องเรียนการทุจริต", 1)).empty());
}

// Patterns whose literals cannot be searched for byte by byte (ASCII letters
// under (?i), none at all, one too short) still find a phrase at the end of
// a long text.
TEST(MatcherTest, LongTextMatchesPatternsWithoutUsableLiterals) {
  std::vector<FieldMatch> m =
      MatchPageText("(?i)no complaints", LongText("NO Complaints", 2));
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].matched, "NO Complaints");
  m = MatchPageText("[0-9]{2}/[0-9]{4}", LongText("ฉบับที่ 12/2568", 2));
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].matched, "12/2568");
  // One branch's literal is one Thai letter, under the gate's minimum.
  m = MatchPageText("ร้องเรียนทุจริต|ค", LongText("ค", 2));
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].matched, "ค");
  // A Thai literal and a case-folded ASCII one in the same branch.
  m = MatchPageText("ร้องเรียน.{0,5}(?i:ita)", LongText("ร้องเรียน ใน ITA", 2));
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].matched, "ร้องเรียน ใน ITA");
}

TEST(CheckPatternTest, AcceptsRe2AndRejectsWhatRe2Cannot) {
  std::string err;
  EXPECT_TRUE(CheckPattern("(?i)แผน(ปฏิบัติ)?ราชการ|action_plan", &err)) << err;
  EXPECT_FALSE(CheckPattern("(?=lookahead)", &err));
  EXPECT_FALSE(err.empty());
}

TEST(CheckPatternTest, RejectsProgramOverTheSizeLimit) {
  std::string err;
  EXPECT_FALSE(
      CheckPattern("[a-c]{1000}[d-f]{1000}[g-i]{1000}[j-m]{1000}"
                   "[n-p]{1000}[q-s]{1000}[t-v]{1000}[w-z]{1000}"
                   "[a-c]{1000}[d-f]{1000}[g-i]{1000}",
                   &err));
  EXPECT_NE(err.find("too large"), std::string::npos) << err;
}

// Every kind of pattern is asked (LoadRuleSet refuses those found): a
// field's, an exclude, a placeholder, a notice; each regex once.
TEST(MatcherTest, PatternsMatchingEmptyTextOfEveryKind) {
  RuleSet rules = HandRules("แผน(ปฏิบัติ)?");
  Component& component = rules.items[0].components[0];
  component.patterns.push_back(Pattern{Field::kPageText, "(แผน)?", 8});
  component.patterns.push_back(Pattern{Field::kTitle, "(แผน)?", 9});
  component.exclude.push_back(Pattern{Field::kLinkText, "(ร่าง)*", 10});
  component.exclude.push_back(Pattern{Field::kLinkText, "ร่าง", 11});
  rules.placeholders.push_back(Pattern{Field::kPageText, "soon|", 3});
  rules.placeholders.push_back(Pattern{Field::kPageText, "soon", 4});
  rules.notices.push_back(Pattern{Field::kPageText, "(ยัง)?", 5});
  rules.notices.push_back(Pattern{Field::kPageText, "ยังไม่มีข้อมูล", 6});
  std::string err;
  std::unique_ptr<Matcher> matcher = Matcher::Create(rules, &err);
  ASSERT_NE(matcher, nullptr) << err;
  std::vector<std::string> found = matcher->PatternsMatchingEmptyText();
  std::sort(found.begin(), found.end());
  EXPECT_EQ(found, (std::vector<std::string>{"(ยัง)?", "(ร่าง)*", "(แผน)?",
                                             "soon|"}));
}

// Entry i of a field runs the i-th pattern added to it: each pattern's own
// line and text come back (the prefilter and the entries share one compile).
TEST(MatcherTest, EachPatternOfAFieldKeepsItsLine) {
  RuleSet rules;
  rules.path = "hand.yaml";
  Item item;
  item.id = "O5";
  for (int i = 0; i < 6; ++i) {
    Component component;
    component.id = "c" + std::to_string(i);
    component.patterns.push_back(Pattern{
        Field::kHeadings, "คำที่" + std::to_string(i) + "ของหัวข้อ", 10 + i});
    item.components.push_back(component);
  }
  rules.items.push_back(item);
  std::string err;
  std::unique_ptr<Matcher> matcher = Matcher::Create(rules, &err);
  ASSERT_NE(matcher, nullptr) << err;
  for (int i = 0; i < 6; ++i) {
    const std::string word = "คำที่" + std::to_string(i) + "ของหัวข้อ";
    std::vector<FieldMatch> m =
        matcher->Match(Field::kHeadings, "ประกาศ" + word + "ประจำปี");
    ASSERT_EQ(m.size(), 1u) << i;
    EXPECT_EQ(m[0].component_id, "c" + std::to_string(i));
    EXPECT_EQ(m[0].pattern_line, 10 + i);
    EXPECT_EQ(m[0].matched, word);
  }
}

}  // namespace
}  // namespace oitwatch
