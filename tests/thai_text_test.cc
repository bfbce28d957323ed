#include "rules/thai_text.h"

#include <gtest/gtest.h>

#include <string>

namespace oitwatch {
namespace {

struct Case {
  std::string in;
  std::string want;
};

TEST(ThaiTextTest, NormalizeTable) {
  const Case cases[] = {
      {"", ""},
      {"   ", ""},
      {"plain ascii", "plain ascii"},
      // Thai digits become ASCII; a digit is not Thai, so its space stays.
      {"ปี ๒๕๖๘", "ปี 2568"},
      {"๑๕ ม.ค. ๖๘", "15 ม.ค. 68"},
      {"พ.ศ. ๒๕๖๑-๒๕๘๐", "พ.ศ. 2561-2580"},
      // Whitespace runs (tabs, newlines, NBSP) fold to one space, trimmed.
      {"  a \t\n b  ", "a b"},
      {"a\xC2\xA0\xC2\xA0"
       "b",
       "a b"},
      {"a\xE3\x80\x80"
       "b",
       "a b"},  // ideographic space
      // A space between two Thai characters goes.
      {"แผน ปฏิบัติ ราชการ", "แผนปฏิบัติราชการ"},
      {"ประจำปีงบประมาณ พ.ศ. 2568", "ประจำปีงบประมาณพ.ศ. 2568"},
      {"สำนักงานเขต หลักสี่ Laksi", "สำนักงานเขตหลักสี่ Laksi"},
      {"15 มกราคม 2568", "15 มกราคม 2568"},
      {"ปง บประมาณ", "ปงบประมาณ"},
      // Zero-width characters, soft hyphen and U+FFFD disappear.
      {"ข\xE2\x80\x8B"
       "้อมูล",
       "ข้อมูล"},
      {"\xEF\xBB\xBF"
       "BOM",
       "BOM"},
      {"co\xC2\xAD"
       "operate",
       "cooperate"},
      {"ส\xEF\xBF\xBD"
       "ำนักงาน",
       "สำนักงาน"},
      {"word\xE2\x81\xA0joiner", "wordjoiner"},
      // SARA AM: decomposed and split forms.
      {"ส\xE0\xB9\x8D\xE0\xB8\xB2นักงาน", "สำนักงาน"},
      {"ส\xE0\xB9\x8D \xE0\xB8\xB2นักงาน", "สำนักงาน"},
      {"น\xE0\xB9\x8D\xE0\xB9\x89\xE0\xB8\xB2", "น้ำ"},  // nikhahit, tone, aa
      {"ส ำนักงาน", "สำนักงาน"},
      {"ดำเนินการ", "ดำเนินการ"},
      // Case is kept.
      {"ITA O15 Plan", "ITA O15 Plan"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(NormalizeThai(c.in), c.want) << "input: " << c.in;
  }
}

TEST(ThaiTextTest, NormalizeReplacesInvalidBytesThenDropsThem) {
  EXPECT_EQ(NormalizeThai("a\xFF"
                          "b\xC3"),
            "ab");
  EXPECT_EQ(NormalizeThai("\xE0\xB8"), "");  // truncated Thai letter
}

TEST(ThaiTextTest, NormalizeTisLatin1GarbageStaysValidUtf8) {
  const std::string tis = "\xCA\xD3\xB9\xD1\xA1";  // "สำนัก" in TIS-620
  const std::string out = NormalizeThai(tis);
  EXPECT_EQ(SanitizeUtf8(out), out);
  EXPECT_EQ(out.find("\xEF\xBF\xBD"), std::string::npos);
}

TEST(ThaiTextTest, NormalizeKeepsSpaceBetweenThaiAndLatin) {
  EXPECT_EQ(NormalizeThai("รายงาน ITA ประจำปี"), "รายงาน ITA ประจำปี");
}

TEST(ThaiTextTest, NormalizeHandlesLongPageText) {
  std::string big;
  for (int i = 0; i < 20000; ++i) big += "ประกาศ ๑ ม.ค. ๖๘\xE2\x80\x8B ";
  const std::string out = NormalizeThai(big);
  EXPECT_EQ(out.find("\xE2\x80\x8B"), std::string::npos);
  EXPECT_NE(out.find("ประกาศ 1 ม.ค. 68 ประกาศ"), std::string::npos);
}

TEST(ThaiTextTest, SanitizeTable) {
  const Case cases[] = {
      {"", ""},
      {"abc", "abc"},
      {"ไทย", "ไทย"},
      {"\xF0\x9F\x98\x80", "\xF0\x9F\x98\x80"},  // 4-byte emoji kept
      {"a\x80"
       "b",
       "a\xEF\xBF\xBD"
       "b"},                                     // lone continuation
      {"\xC0\xAF", "\xEF\xBF\xBD\xEF\xBF\xBD"},  // overlong '/'
      {"\xED\xA0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},  // surrogate
      {"\xE0\xB8", "\xEF\xBF\xBD"},  // truncated: one U+FFFD per subpart
      {"\xF4\x90\x80\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},
      {"\xEF\xBF\xBD", "\xEF\xBF\xBD"},  // a real U+FFFD is valid
  };
  for (const Case& c : cases) {
    EXPECT_EQ(SanitizeUtf8(c.in), c.want) << "input bytes: " << c.in.size();
  }
}

TEST(ThaiTextTest, TruncateNeverSplitsASequence) {
  const std::string thai = "สำนักงาน";  // 3 bytes per character
  EXPECT_EQ(TruncateUtf8(thai, 100), thai);
  EXPECT_EQ(TruncateUtf8(thai, 3), "ส");
  EXPECT_EQ(TruncateUtf8(thai, 4), "ส");
  EXPECT_EQ(TruncateUtf8(thai, 5), "ส");
  EXPECT_EQ(TruncateUtf8(thai, 6), "สำ");
  EXPECT_EQ(TruncateUtf8(thai, 2), "");
  EXPECT_EQ(TruncateUtf8("abc", 0), "");
  EXPECT_EQ(TruncateUtf8("ab\xF0\x9F\x98\x80", 5), "ab");
}

TEST(ThaiTextTest, PercentDecodeTable) {
  const Case cases[] = {
      {"/laksi/page/sub/123/%E0%B9%81%E0%B8%9C%E0%B8%99",
       "/laksi/page/sub/123/แผน"},
      {"a%20b+c", "a b+c"},  // '+' kept
      {"100%", "100%"},      // dangling '%' kept
      {"%zz%4", "%zz%4"},    // invalid escapes kept
      {"%41%62", "Ab"},
      {"%EF%BF%BD%EF%BF%BD", "\xEF\xBF\xBD\xEF\xBF\xBD"},
      {"%E0%B8", "\xEF\xBF\xBD"},  // decoded invalid UTF-8 is sanitised
      {"%ff", "\xEF\xBF\xBD"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(PercentDecode(c.in), c.want) << "input: " << c.in;
  }
}

TEST(ThaiTextTest, SwappedSaraAmIsRepaired) {
  // PDF text whose font maps sara aa to sara am ("ข้อควำม", "ลงนำม").
  EXPECT_EQ(RepairSwappedSaraAm(NormalizeThai(
                "แผนปฏิบัติรำชกำรประจำปีงบประมำณ พ.ศ. 2568 สำนักงำนเขตยำนนำวำ")),
            NormalizeThai(
                "แผนปฏิบัติราชการประจำปีงบประมาณ พ.ศ. 2568 สำนักงานเขตยานนาวา"));
  EXPECT_EQ(RepairSwappedSaraAm("ประกำศ เรื่อง กำรดำเนินงำนตำมนโยบำย"),
            "ประกาศ เรื่อง การดำเนินงานตามนโยบาย");
}

TEST(ThaiTextTest, NormalTextIsNotRepaired) {
  // Real sara am words and a single odd spelling stay as they are.
  for (const char* text :
       {"แผนปฏิบัติราชการประจำปี สำนักงานเขตหลักสี่ การดำเนินงาน",
        "คำสั่ง กำหนด จำนวน", "กำร", ""}) {
    EXPECT_EQ(RepairSwappedSaraAm(text), text);
  }
}

}  // namespace
}  // namespace oitwatch

namespace oitwatch {
namespace {

TEST(ThaiTextTest, NormalizeThaiLinesGivesTheLinesAndTheWholeText) {
  for (const char* text :
       {"ก\nข", "a\nb", " a \n\n b ", "ํ\nา", "ํ\n่า", "๑๒\n๓", "ก\n1",
        "\n\n", "", "กำร\r\nงาน  \n x", "\xE2\x80\x8B\nก", "ก\n\xE2\x80\x8B\nข"}) {
    std::string joined;
    const std::vector<std::string> lines = NormalizeThaiLines(text, &joined);
    EXPECT_EQ(joined, NormalizeThai(text)) << text;
    std::vector<std::string> want;
    std::string_view rest = text;
    while (true) {
      const size_t nl = rest.find('\n');
      std::string line = NormalizeThai(rest.substr(0, nl));
      if (!line.empty()) want.push_back(line);
      if (nl == std::string_view::npos) break;
      rest.remove_prefix(nl + 1);
    }
    EXPECT_EQ(lines, want) << text;
  }
  std::string joined;
  EXPECT_EQ(NormalizeThaiLines("ก\nข", &joined),
            (std::vector<std::string>{"ก", "ข"}));
  EXPECT_EQ(joined, "กข");  // no space between two Thai letters
  NormalizeThaiLines("ํ\nา", &joined);
  EXPECT_EQ(joined, "ำ");  // NIKHAHIT + SARA AA across the break
}

}  // namespace
}  // namespace oitwatch
