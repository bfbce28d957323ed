// Placeholder pages (rules/placeholder_page.h) with the shipped rule sets'
// notices: a page whose main content is "ยังไม่มีข้อมูล" or an unfilled form
// of the document is a placeholder; real evidence that holds the same words
// among its content is not (a false "missing" is the next worst error).
// The whole-run test of the same (a link that names the item and the year,
// a placeholder behind it) is tests/placeholder_run_test.cc.
#include "rules/placeholder_page.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "rules/matcher.h"
#include "rules/rule_set.h"
#include "rules/thai_text.h"

namespace oitwatch {
namespace {

constexpr const char* kShippedSets[] = {
    "bma-district-2568.yaml", "bma-district-2567.yaml", "nacc-2568.yaml"};

std::unique_ptr<Matcher> ShippedMatcher(const std::string& name) {
  RuleSet rules;
  std::string err;
  const std::string path =
      std::string(OITWATCH_SOURCE_DIR) + "/config/rules/" + name;
  EXPECT_TRUE(LoadRuleSet(path, &rules, &err)) << err;
  std::unique_ptr<Matcher> matcher = Matcher::Create(rules, &err);
  EXPECT_NE(matcher, nullptr) << err;
  return matcher;
}

// The start page's lines of a district site: menus, a sidebar, the footer.
const char kChrome[] =
    "สำนักงานเขตทดสอบ\n"
    "หน้าหลัก | ข้อมูลพื้นฐาน | การเปิดเผยข้อมูลสาธารณะ (OIT) | ติดต่อเรา\n"
    "ข่าวประชาสัมพันธ์\n"
    "ผู้อำนวยการเขตลงพื้นที่ตรวจความเรียบร้อยตลาด (5 มีนาคม 2568)\n"
    "สำนักงานเขตทดสอบ โทร 0 2521 0000";

struct Page {
  std::string name;      // what the case is
  std::string headings;  // the page's <h1>-<h6> text
  std::string body;      // its own text below the headings, '\n' = block
  std::vector<std::string_view> links = {};  // texts of its own links
};

// Classifies `page` shown inside the chrome, as the pipeline does (the
// chrome's own links are the menu's).
PlaceholderKind Classify(const Matcher& matcher, const Page& page) {
  std::string joined;
  const std::vector<std::string> chrome_lines =
      NormalizeThaiLines(kChrome, &joined);
  const std::unordered_set<std::string> chrome(chrome_lines.begin(),
                                               chrome_lines.end());
  const std::vector<std::string> lines = NormalizeThaiLines(
      std::string(kChrome) + "\n" + page.headings + "\n" + page.body,
      &joined);
  std::vector<std::string_view> links = {"หน้าหลัก", "ติดต่อเรา"};
  links.insert(links.end(), page.links.begin(), page.links.end());
  return ClassifyPlaceholder(lines, chrome, NormalizeThai(page.headings),
                             links, matcher);
}

// (a): the link names the plan and the year; the page says it is not there.
const Page kNoticePages[] = {
    {"not yet", "แผนปฏิบัติราชการประจำปี พ.ศ. 2568", "ยังไม่มีข้อมูล"},
    {"not published", "แผนปฏิบัติราชการประจำปี พ.ศ. 2568",
     "ยังไม่มีการเผยแพร่"},
    {"in progress", "รายงานผลการปฏิบัติราชการประจำปี พ.ศ. 2567",
     "อยู่ระหว่างดำเนินการ"},
    {"bare no data", "แผนการใช้จ่ายงบประมาณประจำปี", "ไม่มีข้อมูล"},
    {"lead-in and two notices", "แผนปฏิบัติราชการประจำปี",
     "ขณะนี้ ยังไม่มีข้อมูล (อยู่ระหว่างดำเนินการจัดทำ)"},
    {"notice and please come back", "O5 แผนปฏิบัติราชการ",
     "ขออภัย ยังไม่มีการเผยแพร่ข้อมูล\nโปรดติดตามภายหลัง"},
    {"english", "Action plan 2568", "Home > OIT > Action plan\nNo data available."},
    {"breadcrumb, posting date and views beside it", "แผนปฏิบัติราชการประจำปี",
     "หน้าหลัก > OIT > แผนปฏิบัติราชการ\nวันที่ 1 ตุลาคม 2567\n"
     "ยังไม่มีข้อมูล\nผู้เข้าชม 25 ครั้ง"},
    {"the notice as a heading", "แผนปฏิบัติราชการประจำปี\nยังไม่มีข้อมูล",
     "หน้าหลัก > OIT > แผนปฏิบัติราชการ > ประจำปี 2568"},
    // rt7parse finding 7 (p04 P03, P05).
    {"not at the moment", "แผนปฏิบัติราชการประจำปี พ.ศ. 2568",
     "ไม่มีข้อมูล ณ ขณะนี้"},
    {"english, at the moment", "Action plan 2568",
     "No data available at the moment."},
    {"english, not available yet", "Action plan 2568",
     "Home > OIT > Action plan\nData not available yet."},
    // p04 P02: related links (not chrome) under the notice are no content.
    {"notice and related links", "แผนปฏิบัติราชการประจำปี พ.ศ. 2568",
     "ยังไม่มีข้อมูล\nลิงก์ที่เกี่ยวข้อง หน่วยงานภายนอก 1\n"
     "ลิงก์ที่เกี่ยวข้อง หน่วยงานภายนอก 2\nลิงก์ที่เกี่ยวข้อง หน่วยงานภายนอก 3\n"
     "ลิงก์ที่เกี่ยวข้อง หน่วยงานภายนอก 4\nแผนปฏิบัติราชการ ประจำปี 2567",
     {"ลิงก์ที่เกี่ยวข้อง หน่วยงานภายนอก 1", "ลิงก์ที่เกี่ยวข้อง หน่วยงานภายนอก 2",
      "ลิงก์ที่เกี่ยวข้อง หน่วยงานภายนอก 3", "ลิงก์ที่เกี่ยวข้อง หน่วยงานภายนอก 4",
      "แผนปฏิบัติราชการ ประจำปี 2567"}},
    // The same with link texts that normalising leaves as they are: each
    // line is exactly as long as the longest link text (the check skips
    // only lines longer than every link text).
    {"notice and related links, normal already",
     "แผนปฏิบัติราชการประจำปี พ.ศ. 2568",
     "ยังไม่มีข้อมูล\nลิงก์ที่เกี่ยวข้องหน่วยงานภายนอก1\n"
     "ลิงก์ที่เกี่ยวข้องหน่วยงานภายนอก2\nลิงก์ที่เกี่ยวข้องหน่วยงานภายนอก3\n"
     "ลิงก์ที่เกี่ยวข้องหน่วยงานภายนอก4",
     {"ลิงก์ที่เกี่ยวข้องหน่วยงานภายนอก1", "ลิงก์ที่เกี่ยวข้องหน่วยงานภายนอก2",
      "ลิงก์ที่เกี่ยวข้องหน่วยงานภายนอก3", "ลิงก์ที่เกี่ยวข้องหน่วยงานภายนอก4"}},
};

// Real evidence that holds the same words among its content.
const Page kEvidencePages[] = {
    {"a table cell of complaint statistics",
     "สถิติเรื่องร้องเรียนการทุจริต ประจำปีงบประมาณ พ.ศ. 2568",
     "เดือน จำนวนเรื่อง ดำเนินการแล้วเสร็จ อยู่ระหว่างดำเนินการ\n"
     "ตุลาคม 2567 0 0 0\nพฤศจิกายน 2567 0 0 0\nธันวาคม 2567 1 1 0\n"
     "มกราคม 2568\nไม่มีข้อมูล\nกุมภาพันธ์ 2568 0 0 0"},
    {"no complaint data in a report", "รายงานสถิติเรื่องร้องเรียน",
     "ข้อมูล ณ วันที่ 31 มีนาคม 2568\nไม่มีข้อมูลการร้องเรียน\n"
     "จำนวนเรื่องร้องเรียนทั้งหมด 0 เรื่อง"},
    {"short statistics with figures", "สถิติเรื่องร้องเรียนการทุจริต",
     "จำนวนเรื่องทั้งหมด 2 เรื่อง\nดำเนินการแล้วเสร็จ 1 เรื่อง\n"
     "อยู่ระหว่างดำเนินการ 1 เรื่อง"},
    {"no complaints (evidence of itself)", "สถิติเรื่องร้องเรียนการทุจริต 2568",
     "ไม่มีเรื่องร้องเรียนการทุจริต"},
    {"a list of documents with one not there yet", "แผนและรายงานผล",
     "แผนปฏิบัติราชการประจำปีงบประมาณ พ.ศ. 2568 (ดาวน์โหลด)\n"
     "รายงานผลการปฏิบัติราชการประจำปีงบประมาณ พ.ศ. 2567 (ดาวน์โหลด)\n"
     "รายงานผลการปฏิบัติราชการรอบ 6 เดือน ปีงบประมาณ พ.ศ. 2568 (ดาวน์โหลด)\n"
     "ยังไม่มีข้อมูล"},
    {"a plan page with content", "แผนปฏิบัติราชการประจำปีงบประมาณ พ.ศ. 2568",
     "โครงการพัฒนาคุณภาพชีวิตผู้สูงอายุ งบประมาณ 250,000 บาท\n"
     "โครงการป้องกันและแก้ไขปัญหายาเสพติด งบประมาณ 180,000 บาท"},
    // Links that name a day are a news list's content, not related links.
    {"a news list with an empty tab", "ข่าวประชาสัมพันธ์",
     "ข่าวกิจกรรม\nเขตทดสอบจัดกิจกรรมวันเด็ก (11 มกราคม 2568)\n"
     "เขตทดสอบลงพื้นที่ตรวจตลาด (5 กุมภาพันธ์ 2568)\n"
     "เขตทดสอบประชุมชุมชน (3 มีนาคม 2568)\nข่าวรับสมัครงาน\nไม่มีข้อมูล",
     {"เขตทดสอบจัดกิจกรรมวันเด็ก (11 มกราคม 2568)",
      "เขตทดสอบลงพื้นที่ตรวจตลาด (5 กุมภาพันธ์ 2568)",
      "เขตทดสอบประชุมชุมชน (3 มีนาคม 2568)"}},
};

// A plan's table, fourteen rows of projects and figures.
std::string PlanRows() {
  std::string rows;
  for (int i = 1; i <= 14; ++i) {
    rows += std::to_string(i) + " โครงการพัฒนาชุมชนที่ " + std::to_string(i) +
            " " + std::to_string(50 + i) + ",000 บาท ฝ่ายพัฒนาชุมชน\n";
  }
  return rows;
}

class PlaceholderPageTest : public testing::TestWithParam<const char*> {
 protected:
  void SetUp() override { matcher_ = ShippedMatcher(GetParam()); }
  std::unique_ptr<Matcher> matcher_;
};

TEST_P(PlaceholderPageTest, NoticeAsTheMainContentIsAPlaceholder) {
  ASSERT_NE(matcher_, nullptr);
  for (const Page& page : kNoticePages) {
    EXPECT_EQ(PlaceholderKindName(Classify(*matcher_, page)),
              std::string("notice"))
        << page.name << ": " << page.body;
  }
}

TEST_P(PlaceholderPageTest, NoticeWordsInsideRealEvidenceAreNot) {
  ASSERT_NE(matcher_, nullptr);
  for (const Page& page : kEvidencePages) {
    EXPECT_EQ(PlaceholderKindName(Classify(*matcher_, page)),
              std::string("none"))
        << page.name << ": " << page.body;
  }
}

// rt7parse finding 7: `placeholders` are applied like notices.
TEST_P(PlaceholderPageTest, UnderConstructionAsTheMainContentIsAPlaceholder) {
  ASSERT_NE(matcher_, nullptr);
  const Page pages[] = {
      {"under repair", "แผนปฏิบัติราชการประจำปี พ.ศ. 2568",
       "หน้านี้อยู่ระหว่างการปรับปรุง ขออภัยในความไม่สะดวก"},
      {"as a heading", "แผนปฏิบัติราชการ\nอยู่ระหว่างจัดทำ", "ประจำปี 2568"},
      {"coming soon and related links", "Action plan 2568",
       "Coming soon\nลิงก์ที่เกี่ยวข้อง หน่วยงานภายนอก 1\n"
       "ลิงก์ที่เกี่ยวข้อง หน่วยงานภายนอก 2\nลิงก์ที่เกี่ยวข้อง หน่วยงานภายนอก 3\n"
       "ลิงก์ที่เกี่ยวข้อง หน่วยงานภายนอก 4\nลิงก์ที่เกี่ยวข้อง หน่วยงานภายนอก 5",
       {"ลิงก์ที่เกี่ยวข้อง หน่วยงานภายนอก 1", "ลิงก์ที่เกี่ยวข้อง หน่วยงานภายนอก 2",
        "ลิงก์ที่เกี่ยวข้อง หน่วยงานภายนอก 3", "ลิงก์ที่เกี่ยวข้อง หน่วยงานภายนอก 4",
        "ลิงก์ที่เกี่ยวข้อง หน่วยงานภายนอก 5"}},
      {"soft 404", "", "404 Page not found\nกลับสู่หน้าหลัก"},
  };
  for (const Page& page : pages) {
    EXPECT_EQ(PlaceholderKindName(Classify(*matcher_, page)),
              std::string("under_construction"))
        << page.name << ": " << page.body;
  }
}

// p04 R02, R03, R05: one row or a help line of a real document.
TEST_P(PlaceholderPageTest, UnderConstructionInARowOfRealEvidenceIsNot) {
  ASSERT_NE(matcher_, nullptr);
  const std::string h = "แผนปฏิบัติราชการประจำปีงบประมาณ พ.ศ. 2568";
  const Page pages[] = {
      {"road under improvement", h,
       PlanRows() + "15 ถนนซอยทดสอบ อยู่ระหว่างการปรับปรุง ฝ่ายโยธา"},
      {"hall under construction", h,
       PlanRows() + "15 Community hall (under construction) 1,000,000 -"},
      {"help line", h,
       PlanRows() + "หากพบปัญหา page not found กรุณาแจ้งผู้ดูแลระบบ"},
  };
  for (const Page& page : pages) {
    EXPECT_EQ(PlaceholderKindName(Classify(*matcher_, page)),
              std::string("none"))
        << page.name;
  }
}

TEST_P(PlaceholderPageTest, NoticesMatchWholeLinesOnly) {
  ASSERT_NE(matcher_, nullptr);
  for (const char* line :
       {"ยังไม่มีข้อมูล", "ยังไม่มีการเผยแพร่", "อยู่ระหว่างดำเนินการ",
        "- ยังไม่มีข้อมูล", "ยังไม่มีข้อมูล...", "(อยู่ระหว่างการดำเนินการ)",
        "No data", "ไม่มีข้อมูล ณ ขณะนี้", "ขณะนี้ยังไม่มีข้อมูลในระบบ",
        "ไม่พบข้อมูล", "ยังไม่มีรายการ", "ไม่มีข้อมูลที่จะแสดง",
        "No data available at the moment.", "There is no data to display.",
        "Sorry, no records found", "Data not available yet.",
        "Information is currently unavailable."}) {
    EXPECT_TRUE(matcher_->IsNotice(NormalizeThai(line))) << line;
  }
  for (const char* line :
       {"ไม่มีข้อมูลการร้องเรียน", "ไม่มีเรื่องร้องเรียน",
        "อยู่ระหว่างดำเนินการ 1 เรื่อง", "อยู่ระหว่างดำเนินการ - เรื่อง",
        "ตุลาคม 2567 ไม่มีข้อมูล", "ข้อมูลที่ยังไม่มีการเผยแพร่ ได้แก่",
        "แผนปฏิบัติราชการประจำปี 2568", "No data protection policy",
        "ไม่พบข้อมูลการร้องเรียน", "No data was lost in 2567",
        "Data not available for the districts below"}) {
    EXPECT_FALSE(matcher_->IsNotice(NormalizeThai(line))) << line;
  }
}

// (b): an unfilled form of the document: its period is blank.
TEST_P(PlaceholderPageTest, BlankFormOfTheDocumentIsAPlaceholder) {
  ASSERT_NE(matcher_, nullptr);
  const Page pages[] = {
      {"plan", "แผนปฏิบัติราชการประจำปี พ.ศ. ........",
       "ลำดับ โครงการ ตัวชี้วัด งบประมาณ ผู้รับผิดชอบ\n1\n2\n3"},
      {"monthly summary", "แบบ สขร.1",
       "สรุปผลการดำเนินการจัดซื้อจัดจ้าง ประจำเดือน ........ พ.ศ. ........\n"
       "ลำดับ งานที่จัดซื้อหรือจัดจ้าง วงเงิน ราคากลาง วิธีซื้อหรือจ้าง"},
      {"underscores and a posting date", "รายงานผลการใช้จ่ายงบประมาณ",
       "ประจำปีงบประมาณ ______\nวันที่ 5 มีนาคม 2568\nไตรมาส รายการ งบประมาณ"},
      {"ellipses", "มาตรการส่งเสริมคุณธรรมและความโปร่งใส",
       "ประจำปีงบประมาณ พ.ศ. ……\nมาตรการ วิธีการดำเนินการ ผู้รับผิดชอบ "
       "ระยะเวลา"},
  };
  for (const Page& page : pages) {
    EXPECT_EQ(PlaceholderKindName(Classify(*matcher_, page)),
              std::string("blank_template"))
        << page.name << ": " << page.headings << " / " << page.body;
  }
}

TEST_P(PlaceholderPageTest, FilledDocumentOrFormWithSignatureBlanksIsNot) {
  ASSERT_NE(matcher_, nullptr);
  const Page pages[] = {
      {"filled plan with a blank signature date",
       "แผนปฏิบัติราชการประจำปีงบประมาณ พ.ศ. 2568",
       "โครงการพัฒนาคุณภาพชีวิตผู้สูงอายุ งบประมาณ 250,000 บาท\n"
       "ลงชื่อ ........................ ผู้อำนวยการเขต\n"
       "วันที่ ........ เดือน ........ พ.ศ. ........"},
      {"complaint form (a channel, blank by design)",
       "แบบฟอร์มร้องเรียนการทุจริตและประพฤติมิชอบ",
       "ชื่อ-นามสกุล ............................ อายุ ...... ปี\n"
       "ที่อยู่ ........................................................\n"
       "วันที่ ........ เดือน ........ พ.ศ. ........\n"
       "เรื่องที่ร้องเรียน ................................................"},
      {"period blank in the heading, year in the text",
       "แผนปฏิบัติราชการประจำปี พ.ศ. ........",
       "แผนปฏิบัติราชการของสำนักงานเขต ปีงบประมาณ 2568 มีโครงการ 12 "
       "โครงการ รวมงบประมาณ 3,500,000 บาท ตามรายละเอียดแนบท้าย"},
      {"a truncated title", "แผนปฏิบัติราชการประจำปี...",
       "แผนปฏิบัติราชการประจำปี... อ่านต่อ\nรายงานผลการปฏิบัติราชการประจำปี"
       "... อ่านต่อ\nคู่มือการปฏิบัติงานด้านทะเบียนราษฎร... อ่านต่อ"},
  };
  for (const Page& page : pages) {
    EXPECT_EQ(PlaceholderKindName(Classify(*matcher_, page)),
              std::string("none"))
        << page.name << ": " << page.headings << " / " << page.body;
  }
}

TEST_P(PlaceholderPageTest, TitleOnlyPageIsEmpty) {
  ASSERT_NE(matcher_, nullptr);
  EXPECT_EQ(Classify(*matcher_, {"title only", "คู่มือการปฏิบัติงาน", ""}),
            PlaceholderKind::kEmpty);
}

INSTANTIATE_TEST_SUITE_P(Shipped, PlaceholderPageTest,
                         testing::ValuesIn(kShippedSets));

TEST(PlaceholderPageTest, BlankPeriodNeedsAPeriodWordAndARealBlank) {
  struct Case {
    const char* line;
    bool blank;
  } const cases[] = {
      {"แผนปฏิบัติราชการประจำปี พ.ศ. ........", true},
      {"แผนปฏิบัติราชการประจำปีพ.ศ........", true},
      {"ประจำปีงบประมาณ .....", true},
      {"ปีงบ _____", true},
      {"ประจำเดือน ........ พ.ศ. ........", true},
      {"ประจำปี ……", true},
      {"ประจำปี . . . . .", true},
      {"ประจำปี ....", false},  // four dots: an ellipsis, not a blank
      {"ประจำปี…", false},
      {"วันที่ ........ เดือน ........ พ.ศ. ........", false},
      {"อายุ ...... ปี", false},
      {"ลงชื่อ ........................", false},
      {"ประจำปีงบประมาณ พ.ศ. 2568 ........", false},
      {"", false},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(HasBlankPeriod(NormalizeThai(c.line)), c.blank) << c.line;
  }
}

}  // namespace
}  // namespace oitwatch
