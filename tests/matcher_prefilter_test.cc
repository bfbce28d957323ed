// The matcher's prefilter (the strings a field's patterns need, rules/
// atom_finder.h) must give exactly what the RE2::Set gives: every shipped
// rule set, every field, over the texts of the labelled corpus's pages and
// texts made to trip it (case, KELVIN SIGN, Thai digits, a phrase at the end
// of a long text).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "crawler/charset.h"
#include "rules/atom_finder.h"
#include "rules/document.h"
#include "rules/matcher.h"
#include "rules/thai_text.h"

namespace oitwatch {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Normalised texts of every field that the corpus's HTML files hold: titles,
// headings, each text line and the whole text, link texts and URL paths.
std::vector<std::string> CorpusTexts() {
  std::vector<std::string> texts;
  const fs::path root = fs::path(OITWATCH_SOURCE_DIR) / "tests" / "corpus";
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.path().extension() != ".html") continue;
    const std::string utf8 =
        DecodeToUtf8(ReadFile(entry.path()), "text/html").utf8;
    Document doc;
    std::string err;
    if (!ParseHtml(utf8, "http://127.0.0.1/d/", DocumentLimits(), &doc,
                   &err)) {
      ADD_FAILURE() << entry.path() << ": " << err;
      continue;
    }
    texts.push_back(NormalizeThai(doc.title));
    std::string all;
    for (std::string& line : NormalizeThaiLines(doc.headings, &all)) {
      texts.push_back(std::move(line));
    }
    texts.push_back(all);
    for (std::string& line : NormalizeThaiLines(doc.text, &all)) {
      texts.push_back(std::move(line));
    }
    texts.push_back(all);
    for (const Link& link : doc.links) {
      texts.push_back(NormalizeThai(link.text));
      texts.push_back(NormalizeThai(link.context));
      texts.push_back(NormalizeThai(link.url));
    }
  }
  return texts;
}

std::vector<std::string> TrickyTexts() {
  std::string filler;
  while (filler.size() < 5000) filler += "ข้อมูลพื้นฐานสำนักงานเขต 2568\n";
  return {
      "", "O1 O2 O3", "ANTI-BRIBERY POLICY", "No Gift Policy 2568",
      "Chec\xE2\x84\xAA List การอนุญาต",  // K as KELVIN SIGN
      "anti-bribery policy", "\xC5\xBFtructure",  // LONG S
      "CHECKLIST", "Contact Us", "/ita/O5_Action_Plan.PDF",
      "รายงานผลการดำเนินงานตามนโยบายการต่อต้านการรับสินบน ประจำปี 2568",
      filler + "ไม่มีเรื่องร้องเรียนการทุจริต",
      filler + "สถิติเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ ปี 2568",
      filler + "ANTI-BRIBERY",
  };
}

std::string Describe(const std::vector<FieldMatch>& matches) {
  std::string out;
  for (const FieldMatch& m : matches) {
    out += m.item_id + "/" + m.component_id + " [" + m.matched + "] line " +
           std::to_string(m.pattern_line) + (m.excluded ? " excluded" : "") +
           "\n";
  }
  return out;
}

TEST(MatcherPrefilterTest, SameMatchesAsTheSetForEveryShippedRuleSet) {
  std::vector<std::string> texts = CorpusTexts();
  ASSERT_GT(texts.size(), 1000u);
  for (std::string& t : TrickyTexts()) texts.push_back(std::move(t));
  size_t compared = 0, matched = 0;
  for (const auto& file : fs::directory_iterator(
           fs::path(OITWATCH_SOURCE_DIR) / "config" / "rules")) {
    if (file.path().extension() != ".yaml") continue;
    RuleSet rules;
    std::string err;
    ASSERT_TRUE(LoadRuleSet(file.path().string(), &rules, &err)) << err;
    std::unique_ptr<Matcher> fast = Matcher::Create(rules, &err);
    ASSERT_NE(fast, nullptr) << err;
    std::unique_ptr<Matcher> plain =
        Matcher::Create(rules, &err, MatcherOptions{.prefilter = false});
    ASSERT_NE(plain, nullptr) << err;
    for (Field field : {Field::kLinkText, Field::kUrl, Field::kTitle,
                        Field::kHeadings, Field::kPageText, Field::kDocText}) {
      for (const std::string& text : texts) {
        const std::string want =
            Describe(plain->MatchWithExclusions(field, text));
        EXPECT_EQ(Describe(fast->MatchWithExclusions(field, text)), want)
            << file.path().filename() << " field " << FieldName(field)
            << " text: " << text.substr(0, 300);
        ++compared;
        matched += !want.empty();
      }
    }
  }
  // The comparison means something only if many texts match.
  EXPECT_GT(matched, 1000u) << "of " << compared;
}

// A matcher without an index (LoadRuleSet's check of each pattern) runs
// every pattern on every text: the same answers again.
TEST(MatcherPrefilterTest, WithoutAnIndexTheSameMatches) {
  std::vector<std::string> texts = CorpusTexts();
  for (std::string& t : TrickyTexts()) texts.push_back(std::move(t));
  RuleSet rules;
  std::string err;
  ASSERT_TRUE(LoadRuleSet(std::string(OITWATCH_SOURCE_DIR) +
                              "/config/rules/bma-district-2568.yaml",
                          &rules, &err))
      << err;
  std::unique_ptr<Matcher> plain =
      Matcher::Create(rules, &err, MatcherOptions{.prefilter = false});
  std::unique_ptr<Matcher> every =
      Matcher::Create(rules, &err, MatcherOptions{.index = false});
  ASSERT_NE(plain, nullptr) << err;
  ASSERT_NE(every, nullptr) << err;
  size_t matched = 0;
  for (Field field : {Field::kLinkText, Field::kTitle, Field::kHeadings,
                      Field::kPageText}) {
    for (const std::string& text : texts) {
      const std::string want =
          Describe(plain->MatchWithExclusions(field, text));
      EXPECT_EQ(Describe(every->MatchWithExclusions(field, text)), want)
          << FieldName(field) << " text: " << text.substr(0, 300);
      matched += !want.empty();
    }
  }
  EXPECT_GT(matched, 300u);
}

TEST(AtomFinderTest, FindsEachAtomWhereverItIs) {
  const AtomFinder finder({"ทุจริต", "ไม่มีเรื่องร้องเรียน", "pdf", "o1"});
  EXPECT_EQ(finder.Find("ไม่มีเรื่องร้องเรียนการทุจริต"),
            (std::vector<int>{0, 1}));
  EXPECT_EQ(finder.Find("file.pdf"), (std::vector<int>{2}));
  EXPECT_EQ(finder.Find("pdf"), (std::vector<int>{2}));
  EXPECT_EQ(finder.Find("pd"), (std::vector<int>{}));
  // An atom shorter than three bytes is never found (the matcher makes
  // none: RE2's prefilter drops them).
  EXPECT_EQ(finder.Find("o1 o1"), (std::vector<int>{}));
  // A long text is searched per atom; the answer is the same.
  std::string filler;
  while (filler.size() < 4000) filler += "ข้อมูลพื้นฐาน\n";
  EXPECT_EQ(finder.Find(filler + "x.pdf"), (std::vector<int>{2}));
  EXPECT_EQ(finder.Find("ทุจริต" + filler), (std::vector<int>{0}));
  EXPECT_EQ(finder.Find(filler), (std::vector<int>{}));
}

TEST(AtomFinderTest, ATextWithoutARequiredAtomFindsNone) {
  const AtomFinder finder({"ทุจริต", "ไม่มีเรื่องร้องเรียน", "ประพฤติมิชอบ"},
                          {false, true, false});
  std::string filler;
  while (filler.size() < 4000) filler += "ข้อมูลพื้นฐาน\n";
  for (const std::string& text : {std::string("ทุจริต ประพฤติมิชอบ"),
                                  filler + "ทุจริต ประพฤติมิชอบ"}) {
    EXPECT_EQ(finder.Find(text), (std::vector<int>{})) << text.size();
  }
  for (const std::string& text :
       {std::string("ไม่มีเรื่องร้องเรียนการทุจริต"),
        filler + "ไม่มีเรื่องร้องเรียนการทุจริต"}) {
    EXPECT_EQ(finder.Find(text), (std::vector<int>{0, 1})) << text.size();
  }
}

}  // namespace
}  // namespace oitwatch
