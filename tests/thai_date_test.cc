#include "rules/thai_date.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "rules/thai_text.h"

namespace oitwatch {
namespace {

// "2568/1/15 fy2568" per mention, "F" for a fiscal marker, "R" for a range
// end, joined by "; ".
std::string Describe(const std::vector<DateMention>& mentions) {
  std::string out;
  for (const DateMention& m : mentions) {
    if (!out.empty()) out += "; ";
    out += std::to_string(m.year_be) + "/" + std::to_string(m.month) + "/" +
           std::to_string(m.day) + " fy" + std::to_string(m.fiscal_year);
    if (m.fiscal_marker) out += " F";
    if (m.range_end) out += " R";
  }
  return out;
}

std::string Find(const std::string& raw) {
  return Describe(FindDates(NormalizeThai(raw)));
}

struct Case {
  std::string in;
  std::string want;
};

void RunTable(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    EXPECT_EQ(Find(c.in), c.want)
        << "input: " << c.in << "\nnormalised: " << NormalizeThai(c.in);
  }
}

TEST(ThaiDateTest, FullThaiMonths) {
  RunTable({
      {"ประกาศ ณ วันที่ 15 มกราคม 2568", "2568/1/15 fy2568"},
      {"๑๕ มกราคม ๒๕๖๘", "2568/1/15 fy2568"},
      {"มกราคม 2568", "2568/1/0 fy2568"},
      {"1 ตุลาคม 2567", "2567/10/1 fy2568"},  // Oct belongs to next FY
      {"30 กันยายน 2568", "2568/9/30 fy2568"},
      {"31 ธันวาคม พ.ศ. 2567", "2567/12/31 fy2568"},
      {"เดือนกุมภาพันธ์ 2568", "2568/2/0 fy2568"},
      {"ข้อมูล ณ เดือนพฤศจิกายน 2567", "2567/11/0 fy2568"},
      {"15 มกราคม 2025", "2568/1/15 fy2568"},  // CE year after a Thai month
      {"10 มีนาคม ค.ศ. 2025", "2568/3/10 fy2568"},
      {"15มกราคม2568", "2568/1/15 fy2568"},
  });
}

TEST(ThaiDateTest, AbbreviatedThaiMonthsWithTwoDigitYears) {
  RunTable({
      {"15 ม.ค. 68", "2568/1/15 fy2568"},
      {"๑๕ ม.ค. ๖๘", "2568/1/15 fy2568"},
      {"ม.ค.68", "2568/1/0 fy2568"},
      {"ม.ค 68", "2568/1/0 fy2568"},
      {"มค 68", "2568/1/0 fy2568"},
      {"(9 ม.ค.61)", "2561/1/9 fy2561"},
      {"25 ก.ย. 66", "2566/9/25 fy2566"},
      {"9-15 ต.ค.66", "2566/10/15 fy2567"},
      {"ก.พ. 68", "2568/2/0 fy2568"},
      {"มี.ค. 68", "2568/3/0 fy2568"},
      {"เม.ย. 68", "2568/4/0 fy2568"},
      {"พ.ค. 68", "2568/5/0 fy2568"},
      {"มิ.ย. 68", "2568/6/0 fy2568"},
      {"ก.ค. 68", "2568/7/0 fy2568"},
      {"ส.ค. 68", "2568/8/0 fy2568"},
      {"ก.ย. 68", "2568/9/0 fy2568"},
      {"ต.ค. 67", "2567/10/0 fy2568"},
      {"พ.ย. 67", "2567/11/0 fy2568"},
      {"ธ.ค. 67", "2567/12/0 fy2568"},
      {"ม. ค. 68", "2568/1/0 fy2568"},
      {"20 ธ.ค. 2567", "2567/12/20 fy2568"},
      {"1 ม.ค. พ.ศ. 2568", "2568/1/1 fy2568"},
  });
}

TEST(ThaiDateTest, AbbreviationsInsideLongerAbbreviationsAreNotMonths) {
  RunTable({
      {"สำนักงาน ก.พ.ร. 68", ""},
      {"ก.ค.ศ. 68", ""},
      {"อ.ก.พ. 68", ""},
      {"ส.ค.ส. 68", ""},
      {"ชมค 68", ""},   // dotless abbreviation glued to a Thai word
      {"15 ม.ค.", ""},  // no year: not a mention
  });
}

TEST(ThaiDateTest, FiscalAndYearMarkers) {
  RunTable({
      {"ปีงบประมาณ พ.ศ. 2568", "2568/0/0 fy2568 F"},
      {"ประจำปีงบประมาณ พ.ศ. ๒๕๖๔", "2564/0/0 fy2564 F"},
      {"ประจำปีงบประมาณพ.ศ.2568", "2568/0/0 fy2568 F"},
      {"ปีงบประมาณ 2568", "2568/0/0 fy2568 F"},
      {"ปีงบ 68", "2568/0/0 fy2568 F"},
      {"ประจำปี 2568", "2568/0/0 fy2568 F"},
      {"แผนการใช้จ่ายประจำปี พ.ศ. ๒๕๖๔", "2564/0/0 fy2564 F"},
      {"ปี พ.ศ. 2568", "2568/0/0 fy2568 F"},
      {"พ.ศ.๒๕๖๘", "2568/0/0 fy2568"},
      {"พ.ศ. 68", "2568/0/0 fy2568"},
      {"ปี 68", "2568/0/0 fy2568"},
      {"ปี ๒๕๖๑", "2561/0/0 fy2561"},
      {"FY2568", "2568/0/0 fy2568 F"},
      {"FY 2568", "2568/0/0 fy2568 F"},
      {"fy2025", "2568/0/0 fy2568 F"},
      {"FY68", "2568/0/0 fy2568 F"},
      {"Fiscal Year 2025", "2568/0/0 fy2568 F"},
      {"ค.ศ. 2025", "2568/0/0 fy2568"},
      {"ปีการศึกษา 2568", "2568/0/0 fy2568"},  // academic year: bare year
      {"ปี 10 ครั้ง", ""},                      // a count, not a year
  });
}

TEST(ThaiDateTest, RangesMarkTheirEnd) {
  RunTable({
      {"ต.ค. 67 - มี.ค. 68", "2567/10/0 fy2568; 2568/3/0 fy2568 R"},
      {"ต.ค. 67 – มี.ค. 68", "2567/10/0 fy2568; 2568/3/0 fy2568 R"},
      {"ต.ค.67-มี.ค.68", "2567/10/0 fy2568; 2568/3/0 fy2568 R"},
      {"1 ตุลาคม 2567 - 31 มีนาคม 2568", "2567/10/1 fy2568; 2568/3/31 fy2568 R"},
      {"1 ตุลาคม 2567 ถึง 31 มีนาคม 2568", "2567/10/1 fy2568; 2568/3/31 fy2568 R"},
      {"ตุลาคม - ธันวาคม 2567", "2567/10/0 fy2568; 2567/12/0 fy2568 R"},
      {"ต.ค. - มี.ค. 68", "2567/10/0 fy2568; 2568/3/0 fy2568 R"},
      {"พ.ศ. ๒๕๖๑-๒๕๘๐", "2561/0/0 fy2561; 2580/0/0 fy2580 R"},
      {"ปีงบประมาณ 2567 - 2568", "2567/0/0 fy2567 F; 2568/0/0 fy2568 F R"},
      {"ปี 67-68", "2567/0/0 fy2567; 2568/0/0 fy2568 R"},
      {"ต.ค. 67 และ มี.ค. 68", "2567/10/0 fy2568; 2568/3/0 fy2568"},
  });
}

TEST(ThaiDateTest, NumericDates) {
  RunTable({
      {"2025-01-15", "2568/1/15 fy2568"},
      {"updated 2024-10-01T08:00", "2567/10/1 fy2568"},
      {"15/01/2568", "2568/1/15 fy2568"},
      {"15/1/2025", "2568/1/15 fy2568"},
      {"1.10.2567", "2567/10/1 fy2568"},
      {"2568/01/15", "2568/1/15 fy2568"},
      {"45/01/2568", "2568/0/0 fy2568"},      // not a date; the year stays
      {"คำสั่งที่ 123/2568", "2568/0/0 fy2568"},  // order no. 123 of 2568
      {"2025-13-01", ""},
  });
}

TEST(ThaiDateTest, EnglishMonthsWithCeYears) {
  RunTable({
      {"WasteData/2564/12.September2021.pdf",
       "2564/0/0 fy2564; 2564/9/12 fy2564"},
      {"September 2021", "2564/9/0 fy2564"},
      {"15 January 2025", "2568/1/15 fy2568"},
      {"Oct 2024", "2567/10/0 fy2568"},
      {"Sept. 2021", "2564/9/0 fy2564"},
      {"January 15, 2025", "2568/1/15 fy2568"},
      {"Marketing 2025", "2568/0/0 fy2568"},  // not "Mar": a bare CE year
  });
}

TEST(ThaiDateTest, YearsInFileNamesAndPaths) {
  RunTable({
      {"Action_Plan_2568.pdf", "2568/0/0 fy2568"},
      {"/ITA/2568/O05/", "2568/0/0 fy2568"},
      {"http://h/public/user_files_editor/123/ITA/2567/O05/plan.pdf",
       "2567/0/0 fy2567"},
      {"66.O08-รายงาน2566.pdf", "2566/0/0 fy2566"},
      {"report-2025.pdf", "2568/0/0 fy2568"},
  });
}

TEST(ThaiDateTest, NumbersThatAreNotYears) {
  RunTable({
      {"งบประมาณ 2,568,000 บาท", ""},
      {"2568.50", ""},
      {"ราคา 2000 บาท", ""},
      {"ผู้ใช้บริการ 2010 คน", ""},
      {"กรุงเทพฯ 10210", ""},
      {"โทร. 0 2521 2020", ""},
      {"โทร 02-521-2020", ""},
      {"+66 2 521 2020", ""},
      {"เลขที่ 25680001", ""},
      {"id=123456789", ""},
      {"ปี 2700", ""},
      {"1800", ""},
      {"คะแนน ๘๓.๘๗", ""},
      {"ตัวชี้วัดที่ ๑๐.๒", ""},
  });
}

TEST(ThaiDateTest, OffsetAndTextPointIntoTheInput) {
  const std::string text = NormalizeThai("ประกาศ 15 ม.ค. 68 เรื่อง");
  const auto found = FindDates(text);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].text, "15 ม.ค. 68");
  EXPECT_EQ(text.substr(found[0].offset, found[0].text.size()), "15 ม.ค. 68");
}

TEST(ThaiDateTest, ResultsAreInTextOrder) {
  const auto found = FindDates(
      NormalizeThai("FY2567 แผน ปีงบประมาณ 2568 ณ 1 ต.ค. 67 ไฟล์ Plan_2569.pdf"));
  ASSERT_EQ(found.size(), 4u);
  for (size_t i = 1; i < found.size(); ++i) {
    EXPECT_LT(found[i - 1].offset, found[i].offset);
  }
  EXPECT_EQ(Describe(found),
            "2567/0/0 fy2567 F; 2568/0/0 fy2568 F; 2567/10/1 fy2568; "
            "2569/0/0 fy2569");
}

TEST(ThaiDateTest, SampleDocumentsYieldTheirFiscalYears) {
  const std::string dir = std::string(OITWATCH_SHARED_DIR) + "/domain/samples/";
  for (const char* name : {"bangkhae-2564-ita-analysis.txt",
                           "thonburi-2564-measures-report.txt"}) {
    std::ifstream in(dir + name);
    if (!in) GTEST_SKIP() << "samples not available: " << dir;
    std::stringstream buf;
    buf << in.rdbuf();
    int fy2564 = 0, other = 0;
    for (const DateMention& m : FindDates(NormalizeThai(buf.str()))) {
      (m.fiscal_year == 2564 || m.fiscal_year == 2563 ? fy2564 : other)++;
      EXPECT_TRUE(m.fiscal_marker) << name << ": " << m.text;
    }
    EXPECT_GE(fy2564, 3) << name;
    EXPECT_EQ(other, 0) << name;
  }
}

TEST(ThaiDateTest, EmptyAndGarbageInput) {
  EXPECT_TRUE(FindDates("").empty());
  EXPECT_TRUE(FindDates("\xFF\xFE\xE0\xB8").empty());
  EXPECT_TRUE(FindDates(std::string(100000, '9')).empty());
}

TEST(ThaiDateTest, FiscalYearOfCe) {
  EXPECT_EQ(FiscalYearOfCe(2024, 9), 2567);
  EXPECT_EQ(FiscalYearOfCe(2024, 10), 2568);
  EXPECT_EQ(FiscalYearOfCe(2025, 9), 2568);
  EXPECT_EQ(FiscalYearOfCe(2026, 10), 2570);
}

TEST(ThaiDateTest, ParseIsoDate) {
  int y = 0, m = 0, d = 0;
  EXPECT_TRUE(ParseIsoDate("2025-01-15", &y, &m, &d));
  EXPECT_EQ(y, 2025);
  EXPECT_EQ(m, 1);
  EXPECT_EQ(d, 15);
  EXPECT_TRUE(ParseIsoDate("2024-02-29", &y, &m, &d));
  for (const char* bad : {"2025-02-29", "2025-1-15", "2025-13-01", "2025-01-00",
                          "20250115", "2025-01-15x", ""}) {
    EXPECT_FALSE(ParseIsoDate(bad, &y, &m, &d)) << bad;
  }
}

TEST(ThaiDateTest, ParseHttpDateAllThreeFormats) {
  for (const char* text :
       {"Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT",
        "Sun Nov  6 08:49:37 1994"}) {
    int y = 0, m = 0, d = 0;
    ASSERT_TRUE(ParseHttpDate(text, &y, &m, &d)) << text;
    EXPECT_EQ(y, 1994) << text;
    EXPECT_EQ(m, 11) << text;
    EXPECT_EQ(d, 6) << text;
  }
  int y = 0, m = 0, d = 0;
  ASSERT_TRUE(ParseHttpDate("Wed, 15 Jan 2025 03:00:00 GMT", &y, &m, &d));
  EXPECT_EQ(y, 2025);
  ASSERT_TRUE(ParseHttpDate("Thursday, 15-Jan-25 03:00:00 GMT", &y, &m, &d));
  EXPECT_EQ(y, 2025);
}

TEST(ThaiDateTest, ParseHttpDateRejectsGarbage) {
  int y = 0, m = 0, d = 0;
  for (const char* bad :
       {"", "yesterday", "Sun, 06 Nov 1994 08:49:37",
        "Sun, 06 Foo 1994 08:49:37 GMT", "Sun, 32 Jan 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 25:00:00 GMT", "Sun Nov 6 08:49:37", "2025-01-15"}) {
    EXPECT_FALSE(ParseHttpDate(bad, &y, &m, &d)) << bad;
  }
}

TEST(ThaiDateTest, ThaiMonthName) {
  EXPECT_STREQ(ThaiMonthName(10), "ตุลาคม");
  EXPECT_STREQ(ThaiMonthName(1), "มกราคม");
  EXPECT_STREQ(ThaiMonthName(0), "");
  EXPECT_STREQ(ThaiMonthName(13), "");
}

}  // namespace
}  // namespace oitwatch
