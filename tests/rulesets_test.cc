// The shipped rule sets (config/rules/*.yaml) as data: they load, have the
// items and freshness of ../shared/domain/items.md and national.md, and their
// patterns find realistic Thai evidence texts without taking near misses.
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "rules/matcher.h"
#include "rules/rule_set.h"
#include "rules/thai_text.h"

namespace oitwatch {
namespace {

const char* const kBmaFiles[] = {"bma-district-2568.yaml",
                                 "bma-district-2567.yaml"};
const char* const kAllFiles[] = {"bma-district-2568.yaml",
                                 "bma-district-2567.yaml", "nacc-2568.yaml"};

std::string RulePath(const std::string& name) {
  return std::string(OITWATCH_SOURCE_DIR) + "/config/rules/" + name;
}

std::string ReadSample(const std::string& name) {
  std::ifstream in(std::string(OITWATCH_SHARED_DIR) + "/domain/samples/" + name);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

RuleSet LoadOrDie(const std::string& name) {
  RuleSet rules;
  std::string err;
  EXPECT_TRUE(LoadRuleSet(RulePath(name), &rules, &err)) << err;
  return rules;
}

std::vector<std::string> ItemIds(const RuleSet& rules) {
  std::vector<std::string> ids;
  for (const Item& item : rules.items) ids.push_back(item.id);
  return ids;
}

std::vector<std::string> ExpectedIds(int count) {
  std::vector<std::string> ids;
  for (int i = 1; i <= count; ++i) ids.push_back("O" + std::to_string(i));
  return ids;
}

// "O5/plan" for every component the normalised `text` hits in `field`.
std::set<std::string> Hits(const Matcher& matcher, Field field,
                           const std::string& text) {
  std::set<std::string> hits;
  for (const FieldMatch& m : matcher.Match(field, NormalizeThai(text))) {
    hits.insert(m.item_id + "/" + m.component_id);
  }
  return hits;
}

std::string Join(const std::set<std::string>& hits) {
  std::string out;
  for (const std::string& hit : hits) out += hit + " ";
  return out.empty() ? "(none)" : out;
}

const Component* FindComponent(const RuleSet& rules, const std::string& item,
                               const std::string& component) {
  for (const Item& i : rules.items) {
    if (i.id != item) continue;
    for (const Component& c : i.components) {
      if (c.id == component) return &c;
    }
  }
  return nullptr;
}

// True if a Thai letter (U+0E00-U+0E7F, "\xe0\xb8.." or "\xe0\xb9..")
// starts at byte `at` of `s`.
bool IsThaiLead(const std::string& s, size_t at) {
  return at + 3 <= s.size() && s[at] == '\xe0' &&
         (s[at + 1] == '\xb8' || s[at + 1] == '\xb9');
}

// ---------------------------------------------------------------- shape ---

TEST(RuleSetsTest, BmaSetsHaveItemsO1ToO22InOrder) {
  for (const char* name : kBmaFiles) {
    SCOPED_TRACE(name);
    RuleSet rules = LoadOrDie(name);
    EXPECT_EQ(ItemIds(rules), ExpectedIds(22));
    EXPECT_EQ(rules.id, "bma-district");
    EXPECT_FALSE(rules.provisional);
  }
}

TEST(RuleSetsTest, BmaSetsNameTheirFiscalYearAndVersion) {
  RuleSet fy2568 = LoadOrDie("bma-district-2568.yaml");
  RuleSet fy2567 = LoadOrDie("bma-district-2567.yaml");
  EXPECT_EQ(fy2568.fiscal_year, 2568);
  EXPECT_EQ(fy2568.version, "2568.6");
  EXPECT_EQ(fy2567.fiscal_year, 2567);
  EXPECT_EQ(fy2567.version, "2567.6");
}

TEST(RuleSetsTest, NaccSetHasThirtyThreeProvisionalItems) {
  RuleSet rules = LoadOrDie("nacc-2568.yaml");
  EXPECT_EQ(ItemIds(rules), ExpectedIds(33));
  EXPECT_TRUE(rules.provisional);
  EXPECT_EQ(rules.fiscal_year, 2568);
}

TEST(RuleSetsTest, EveryItemCarriesConfidenceAndNote) {
  for (const char* name : kAllFiles) {
    RuleSet rules = LoadOrDie(name);
    for (const Item& item : rules.items) {
      SCOPED_TRACE(std::string(name) + " " + item.id);
      EXPECT_TRUE(item.confidence == "S" || item.confidence == "I");
      EXPECT_FALSE(item.note.empty());
      EXPECT_FALSE(item.subindicator.empty());
    }
  }
}

// The loader defaults a missing freshness, so read the YAML itself.
TEST(RuleSetsTest, EveryComponentStatesItsFreshness) {
  for (const char* name : kAllFiles) {
    YAML::Node root = YAML::LoadFile(RulePath(name));
    for (const YAML::Node& item : root["items"]) {
      for (const YAML::Node& component : item["components"]) {
        SCOPED_TRACE(std::string(name) + " " + item["id"].as<std::string>() +
                     "/" + component["id"].as<std::string>());
        Freshness freshness;
        ASSERT_TRUE(component["freshness"]) << "no freshness";
        EXPECT_TRUE(ParseFreshness(component["freshness"].as<std::string>(),
                                   &freshness));
      }
    }
  }
}

struct FreshnessCase {
  const char* item;
  const char* component;
  Freshness freshness;
  bool external_ok;
};

// items.md and the brief: which component must be how fresh.
const FreshnessCase kBmaFreshness[] = {
    {"O1", "structure", Freshness::kInForce, false},
    {"O1", "executives", Freshness::kInForce, false},
    {"O2", "policy", Freshness::kInForce, true},
    {"O2", "plans", Freshness::kInForce, true},
    {"O4", "news", Freshness::kCurrentFy, false},
    {"O5", "plan", Freshness::kCurrentFy, false},
    {"O5", "report", Freshness::kPreviousFy, false},
    {"O8", "eservice", Freshness::kLive, true},
    {"O12", "tracking", Freshness::kLive, true},
    {"O13", "plan", Freshness::kCurrentFy, false},
    {"O13", "report", Freshness::kPreviousFy, false},
    {"O15", "announcements", Freshness::kCurrentFy, false},
    {"O15", "monthly", Freshness::kMonthly, false},
    {"O16", "criteria", Freshness::kInForce, true},
    {"O17", "channel", Freshness::kLive, false},
    {"O17", "statistics", Freshness::kFirstHalf, false},
    {"O18", "announcement", Freshness::kCurrentFy, false},
    {"O18", "report", Freshness::kCurrentFy, false},
    {"O19", "assessment", Freshness::kCurrentFy, false},
    {"O19", "report", Freshness::kCurrentFy, false},
    {"O22", "measures", Freshness::kCurrentFy, false},
    {"O22", "report", Freshness::kCurrentFy, false},
};

TEST(RuleSetsTest, BmaComponentsHaveTheFreshnessOfItemsMd) {
  for (const char* name : kBmaFiles) {
    RuleSet rules = LoadOrDie(name);
    for (const FreshnessCase& c : kBmaFreshness) {
      SCOPED_TRACE(std::string(name) + " " + c.item + "/" + c.component);
      const Component* component = FindComponent(rules, c.item, c.component);
      ASSERT_NE(component, nullptr);
      EXPECT_STREQ(FreshnessName(component->freshness),
                   FreshnessName(c.freshness));
      EXPECT_EQ(component->external_ok, c.external_ok);
    }
  }
}

TEST(RuleSetsTest, BmaO1HasTwoToFourComponents) {
  RuleSet rules = LoadOrDie("bma-district-2568.yaml");
  ASSERT_FALSE(rules.items.empty());
  EXPECT_GE(rules.items[0].components.size(), 2u);
  EXPECT_LE(rules.items[0].components.size(), 4u);
}

// NormalizeThai removes spaces between Thai letters and turns Thai digits
// and decomposed sara am into their canonical forms, so a pattern written
// otherwise can never match.
TEST(RuleSetsTest, PatternsAreWrittenInNormalisedForm) {
  for (const char* name : kAllFiles) {
    RuleSet rules = LoadOrDie(name);
    for (const Item& item : rules.items) {
      for (const Component& c : item.components) {
        for (const std::vector<Pattern>* list : {&c.patterns, &c.exclude}) {
          for (const Pattern& p : *list) {
            SCOPED_TRACE(std::string(name) + ":" + std::to_string(p.line) +
                         " " + p.regex);
            EXPECT_EQ(p.regex.find("\xe0\xb9\x8d\xe0\xb8\xb2"),
                      std::string::npos) << "decomposed sara am";
            for (char d = 0; d < 10; ++d) {  // U+0E50..U+0E59
              std::string thai_digit = "\xe0\xb9";
              thai_digit += static_cast<char>(0x90 + d);
              EXPECT_EQ(p.regex.find(thai_digit), std::string::npos);
            }
            for (size_t at = p.regex.find(' '); at != std::string::npos;
                 at = p.regex.find(' ', at + 1)) {
              bool thai_before = at >= 3 && IsThaiLead(p.regex, at - 3);
              bool thai_after = IsThaiLead(p.regex, at + 1);
              EXPECT_FALSE(thai_before && thai_after) << "space between Thai";
            }
          }
        }
      }
    }
  }
}

TEST(RuleSetsTest, EveryShippedSetCompilesIntoAMatcher) {
  for (const char* name : kAllFiles) {
    SCOPED_TRACE(name);
    RuleSet rules = LoadOrDie(name);
    std::string err;
    EXPECT_NE(Matcher::Create(rules, &err), nullptr) << err;
  }
}

// ------------------------------------------------------------- matching ---

struct TextCase {
  Field field;
  const char* text;
  const char* expected;  // "O5/plan": the one component it must hit
};

// Realistic link texts, file names, titles, headings and document openings,
// as seen on district sites (items.md, site-quirks.md). Each must hit exactly
// the intended item+component and nothing else.
const TextCase kBmaHits[] = {
    {Field::kLinkText, "โครงสร้างองค์กร", "O1/structure"},
    {Field::kLinkText, "แผนผังโครงสร้างสำนักงานเขตบางแค", "O1/structure"},
    {Field::kUrl, "/public/user_files_editor/99/basic_info/structure_2568.pdf",
     "O1/structure"},
    {Field::kLinkText, "ทำเนียบผู้บริหาร", "O1/executives"},
    {Field::kLinkText, "ผู้บริหาร", "O1/executives"},
    {Field::kTitle, "ผู้บริหาร - สำนักงานเขตบางแค", "O1/executives"},
    {Field::kLinkText, "อำนาจหน้าที่ฝ่ายรายได้", "O1/duties"},
    {Field::kHeadings, "หน้าที่และอำนาจของสำนักงานเขต", "O1/duties"},
    {Field::kLinkText, "ติดต่อเรา", "O1/contact"},
    {Field::kLinkText, "Contact Us", "O1/contact"},
    {Field::kLinkText, "นโยบายผู้ว่าราชการกรุงเทพมหานคร (นายชัชชาติ สิทธิพันธุ์)",
     "O2/policy"},
    {Field::kLinkText, "นโยบาย 9 ดี", "O2/policy"},
    {Field::kLinkText,
     "แผนพัฒนากรุงเทพมหานคร ระยะ 20 ปี (พ.ศ. ๒๕๖๑ - ๒๕๘๐) ฉบับปรับปรุง",
     "O2/plans"},
    {Field::kLinkText, "แผนปฏิบัติราชการกรุงเทพมหานคร ประจำปี พ.ศ. 2568",
     "O2/plans"},
    {Field::kLinkText, "รายชื่อโรงเรียนสังกัดกรุงเทพมหานครในพื้นที่เขตบางแค",
     "O3/schools"},
    {Field::kLinkText, "ข้อมูลสถานศึกษา", "O3/schools"},
    {Field::kLinkText, "ข่าวประชาสัมพันธ์", "O4/news"},
    {Field::kLinkText, "ข่าวประชาสัมพันธ์ทั้งหมด", "O4/news"},
    {Field::kLinkText, "ภารกิจผู้บริหาร", "O4/news"},
    {Field::kUrl, "/bangkhae/news/12345", "O4/news"},
    {Field::kLinkText, "O5 แผนปฏิบัติราชการประจำปี 2568", "O5/plan"},
    {Field::kLinkText, "แผนปฏิบัติราชการ ประจำปีงบประมาณ พ.ศ. ๒๕๖๘", "O5/plan"},
    {Field::kUrl, "/public/user_files_editor/99/ITA/2568/Action_Plan_2568.pdf",
     "O5/plan"},
    {Field::kUrl,
     "/public/user_files_editor/80/ITA/2567/O05/66.O08-แผนปฏิบัติราชการประจำปี "
     "2566-บึงกุ่ม.pdf",
     "O5/plan"},
    {Field::kDocText,
     "แผนปฏิบัติราชการประจำปีงบประมาณ พ.ศ. ๒๕๖๘\nสำนักงานเขตบางแค "
     "กรุงเทพมหานคร\nคำนำ",
     "O5/plan"},
    {Field::kLinkText, "รายงานผลการปฏิบัติราชการประจำปีงบประมาณ พ.ศ. 2567",
     "O5/report"},
    {Field::kHeadings, "รายงานผลการดำเนินงานตามแผนปฏิบัติราชการประจำปี พ.ศ. 2567",
     "O5/report"},
    {Field::kLinkText, "คู่มือการปฏิบัติงานฝ่ายทะเบียน", "O6/manuals"},
    {Field::kLinkText, "มาตรฐานการปฏิบัติงาน (SOP)", "O6/manuals"},
    {Field::kLinkText, "คู่มือสำหรับประชาชน งานทะเบียนราษฎร", "O7/manuals"},
    {Field::kUrl,
     "/upload/user/00000083/General/DownloadPDF/Manual63/02_tabain63.pdf",
     "O7/manuals"},
    {Field::kLinkText, "E-Service", "O8/eservice"},
    {Field::kLinkText, "ยื่นคำขออนุญาตออนไลน์ (BMA OSS)", "O8/eservice"},
    {Field::kLinkText, "ระบบจองคิวออนไลน์", "O8/eservice"},
    {Field::kLinkText, "สถิติการจัดเก็บภาษี ปีงบประมาณ 2568", "O9/statistics"},
    {Field::kDocText,
     "ผลการจัดเก็บภาษีที่ดินและสิ่งปลูกสร้าง ประจำปีงบประมาณ 2567 ฝ่ายรายได้",
     "O9/statistics"},
    {Field::kLinkText, "สถิติการจัดเก็บรายได้ประจำเดือนมกราคม 2568",
     "O10/statistics"},
    {Field::kLinkText,
     "รายการการตรวจ (Checklist) ในการพิจารณาการออกใบอนุญาตก่อสร้างอาคาร",
     "O11/checklists"},
    {Field::kLinkText,
     "แบบตรวจสอบเอกสารประกอบการขออนุญาตประกอบกิจการที่เป็นอันตรายต่อสุขภาพ",
     "O11/checklists"},
    {Field::kLinkText, "ติดตามสถานะการขออนุญาต", "O12/tracking"},
    {Field::kLinkText, "Tracking System ระบบติดตามสถานะคำขอ", "O12/tracking"},
    {Field::kLinkText, "แผนการใช้จ่ายงบประมาณ ประจำปีงบประมาณ พ.ศ. 2568",
     "O13/plan"},
    {Field::kLinkText, "รายงานผลการใช้จ่ายงบประมาณประจำปี พ.ศ. 2567",
     "O13/report"},
    {Field::kLinkText,
     "ข้อบัญญัติกรุงเทพมหานคร เรื่อง งบประมาณรายจ่ายประจำปีงบประมาณ พ.ศ. 2568",
     "O14/budget"},
    {Field::kLinkText, "เงินอุดหนุนชุมชน ปีงบประมาณ 2568", "O14/subsidy"},
    {Field::kLinkText, "ข่าวจัดซื้อจัดจ้าง", "O15/announcements"},
    {Field::kLinkText,
     "ประกาศผู้ชนะการเสนอราคา จ้างซ่อมแซมถนน ซอยเพชรเกษม 63",
     "O15/announcements"},
    {Field::kLinkText,
     "สรุปผลการจัดซื้อจัดจ้างประจำเดือนตุลาคม 2567 (สขร.1)", "O15/monthly"},
    {Field::kUrl, "/public/user_files_editor/99/สขร/2568/สขร1-ตุลาคม67.pdf",
     "O15/monthly"},
    {Field::kLinkText, "หลักเกณฑ์การบริหารและพัฒนาทรัพยากรบุคคล", "O16/criteria"},
    {Field::kLinkText, "หลักเกณฑ์และวิธีการประเมินผลการปฏิบัติราชการ",
     "O16/criteria"},
    {Field::kLinkText, "ช่องทางแจ้งเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ",
     "O17/channel"},
    {Field::kLinkText,
     "สถิติเรื่องร้องเรียนการทุจริต ประจำปีงบประมาณ 2568 (ต.ค. 67 - มี.ค. 68)",
     "O17/statistics"},
    {Field::kPageText,
     "ข้อมูลเชิงสถิติ ต.ค. 2567 - มี.ค. 2568 ไม่มีเรื่องร้องเรียนการทุจริต",
     "O17/statistics"},
    {Field::kLinkText,
     "ประกาศนโยบายต่อต้านการรับสินบน (Anti-Bribery Policy) สำนักงานเขตบางแค",
     "O18/announcement"},
    {Field::kLinkText,
     "ประกาศสำนักงานเขตบางแค เรื่อง นโยบายไม่รับของขวัญ (No Gift Policy)",
     "O18/announcement"},
    {Field::kLinkText,
     "รายงานผลการดำเนินการตามนโยบายต่อต้านการรับสินบน ประจำปี 2568",
     "O18/report"},
    {Field::kLinkText,
     "การประเมินความเสี่ยงการทุจริตและสินบน ประจำปีงบประมาณ 2568",
     "O19/assessment"},
    {Field::kLinkText,
     "รายงานผลการดำเนินการตามมาตรการจัดการความเสี่ยงการรับสินบน",
     "O19/report"},
    {Field::kLinkText, "แนวทางการปฏิบัติในการใช้ดุลยพินิจของเจ้าหน้าที่",
     "O20/guideline"},
    {Field::kLinkText, "ประกาศ หลักเกณฑ์การยืมทรัพย์สินของราชการ",
     "O21/guideline"},
    {Field::kLinkText, "แนวทางการจัดเก็บของกลาง", "O21/guideline"},
    {Field::kLinkText,
     "มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน ประจำปี 2568",
     "O22/measures"},
    {Field::kLinkText, "การวิเคราะห์ผลการประเมิน ITA ปี 2567", "O22/measures"},
    {Field::kUrl, "/public/user_files_editor/41/ITA/2568/ITA_Measures_2568.pdf",
     "O22/measures"},
    {Field::kUrl, "/ita/ITA_Analysis_Result_2567.pdf", "O22/measures"},
    {Field::kLinkText,
     "รายงานผลการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใส",
     "O22/report"},
};

struct MissCase {
  Field field;
  const char* text;
  const char* item;       // must not be hit ...
  const char* component;  // ... in this component ("" = in any component)
};

// Passing mentions, neighbouring components and other districts' menus.
const MissCase kBmaMisses[] = {
    {Field::kLinkText, "เขตบางแคจัดประชุมชี้แจงแผนปฏิบัติราชการประจำปี 2568",
     "O5", ""},
    {Field::kHeadings, "ผู้อำนวยการเขตบางแคลงพื้นที่ติดตามแผนปฏิบัติราชการ", "O5",
     ""},
    {Field::kTitle, "ข่าวประชาสัมพันธ์ - เขตบางแคประชุมแผนปฏิบัติราชการ", "O5", ""},
    {Field::kLinkText, "ข่าวประชาสัมพันธ์", "O5", ""},
    {Field::kLinkText, "คำสั่งแต่งตั้งคณะทำงานจัดทำแผนปฏิบัติราชการ", "O5", ""},
    {Field::kLinkText, "รายงานผลการปฏิบัติราชการประจำปี 2567", "O5", "plan"},
    {Field::kLinkText, "แผนปฏิบัติราชการประจำปี 2568", "O5", "report"},
    {Field::kLinkText, "แผนปฏิบัติราชการกรุงเทพมหานคร ประจำปี พ.ศ. 2568", "O5", ""},
    {Field::kLinkText, "แผนปฏิบัติราชการ 5 ปี (พ.ศ. 2566-2570)", "O5", "plan"},
    {Field::kLinkText, "รายงานผลการปฏิบัติราชการ รอบ 6 เดือน", "O5", "report"},
    {Field::kLinkText,
     "O5 แผนปฏิบัติราชการประจำปีและรายงานผลการปฏิบัติราชการประจำปี", "O5", ""},
    {Field::kLinkText, "ข่าวผู้บริหาร", "O1", ""},
    {Field::kLinkText, "ภารกิจผู้บริหาร", "O1", ""},
    {Field::kUrl, "/public/user_files_editor/99/infrastructure/road.pdf", "O1",
     ""},
    {Field::kLinkText, "เขตบางแคเข้าร่วมกิจกรรมตามนโยบายผู้ว่าฯ", "O2", ""},
    {Field::kLinkText, "โรงเรียนวัดนิมมานรดี รับสมัครนักเรียน", "O3", ""},
    {Field::kLinkText, "โครงการอบรมคู่มือการปฏิบัติงาน", "O6", ""},
    {Field::kLinkText, "ประชาสัมพันธ์การชำระภาษีที่ดินและสิ่งปลูกสร้าง ประจำปี 2568",
     "O9", ""},
    {Field::kLinkText, "อัตราค่าธรรมเนียม", "O10", ""},
    {Field::kLinkText, "ข่าวเขตบางแคลงพื้นที่ตรวจสอบสถานะการก่อสร้าง", "O12", ""},
    {Field::kLinkText, "ประชุมคณะกรรมการชุมชน", "O14", ""},
    {Field::kLinkText, "มอบเงินอุดหนุนชุมชนเพื่อจัดกิจกรรม", "O14", ""},
    {Field::kHeadings, "มอบเงินอุดหนุนชุมชนเพื่อจัดกิจกรรม", "O14", ""},
    {Field::kLinkText, "สรุปผลการจัดซื้อจัดจ้างประจำเดือนตุลาคม 2567", "O15",
     "announcements"},
    {Field::kLinkText,
     "ประกาศรับสมัครบุคคลเพื่อสรรหาและเลือกสรรเป็นพนักงานจ้าง", "O16", ""},
    {Field::kLinkText, "แจ้งเรื่องร้องเรียน Traffy Fondue", "O17", ""},
    {Field::kLinkText, "สถิติเรื่องร้องเรียนทั่วไป", "O17", ""},
    {Field::kLinkText, "คู่มือการจัดการเรื่องร้องเรียนการทุจริต", "O17", "channel"},
    {Field::kLinkText, "อบรมให้ความรู้เรื่องการป้องกันการรับสินบน", "O18", ""},
    {Field::kLinkText, "เขตบางแคร่วมกิจกรรม No Gift", "O18", ""},
    {Field::kLinkText,
     "ประกาศนโยบายต่อต้านการรับสินบน (Anti-Bribery Policy) "
     "และการรายงานผลสู่การปฏิบัติ",
     "O18", "report"},
    {Field::kLinkText, "รายงานผลการดำเนินการตามนโยบายต่อต้านการรับสินบน", "O18",
     "announcement"},
    {Field::kLinkText, "รายงานผลการบริหารความเสี่ยงการทุจริต", "O19",
     "assessment"},
    {Field::kLinkText, "ขายทอดตลาดของกลาง", "O21", ""},
    {Field::kLinkText, "เขตบางแครับบริจาคโลหิต", "O21", ""},
    {Field::kTitle,
     "ประชุมคณะทำงาน ITA เรื่องมาตรการส่งเสริมคุณธรรมและความโปร่งใส", "O22", ""},
    {Field::kLinkText,
     "รายงานผลการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใส", "O22",
     "measures"},
    // Red-team F2: the report's file name is not the measures.
    {Field::kUrl,
     "/public/user_files_editor/41/ITA/2568/ITA_Measures_Result_2568.pdf",
     "O22", "measures"},
};

// Texts that must hit nothing at all: bare O-numbers (renumbered every year),
// other districts in the site menu, an ITA index page's headings.
const TextCase kBmaNothing[] = {
    {Field::kLinkText, "O05", ""},
    {Field::kLinkText, "O5", ""},
    {Field::kLinkText, "ITA 2568", ""},
    {Field::kUrl, "/public/user_files_editor/99/ITA/2568/O05/", ""},
    {Field::kLinkText, "สำนักงานเขตพระนคร", ""},
    {Field::kLinkText, "เขตดุสิต", ""},
    {Field::kLinkText, "สำนักงานเขตบางรัก", ""},
    {Field::kLinkText, "หน้าแรก", ""},
    {Field::kLinkText, "ดาวน์โหลดเอกสาร", ""},
    {Field::kHeadings,
     "การเปิดเผยข้อมูลสาธารณะ (OIT) ประจำปี 2568\nO1 ข้อมูลพื้นฐาน\n"
     "O2 นโยบายผู้ว่าราชการกรุงเทพมหานคร\nO3 โรงเรียนสังกัดกรุงเทพมหานคร\n"
     "O5 แผนปฏิบัติราชการประจำปี\nO13 แผนการใช้จ่ายงบประมาณ",
     ""},
    {Field::kLinkText, "เขตบางแคจัดกิจกรรมวันเด็กแห่งชาติ 2568", ""},
};

class BmaRuleSetTest : public testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    rules_ = LoadOrDie(GetParam());
    std::string err;
    matcher_ = Matcher::Create(rules_, &err);
    ASSERT_NE(matcher_, nullptr) << err;
  }
  RuleSet rules_;
  std::unique_ptr<Matcher> matcher_;
};

TEST_P(BmaRuleSetTest, RealisticTextsHitExactlyTheirComponent) {
  for (const TextCase& c : kBmaHits) {
    std::set<std::string> hits = Hits(*matcher_, c.field, c.text);
    EXPECT_EQ(hits, std::set<std::string>{c.expected})
        << FieldName(c.field) << " \"" << c.text << "\" hit " << Join(hits);
  }
}

TEST_P(BmaRuleSetTest, NearMissesDoNotHitTheItem) {
  for (const MissCase& c : kBmaMisses) {
    for (const std::string& hit : Hits(*matcher_, c.field, c.text)) {
      std::string item = hit.substr(0, hit.find('/'));
      std::string component = hit.substr(hit.find('/') + 1);
      EXPECT_FALSE(item == c.item &&
                   (*c.component == '\0' || component == c.component))
          << FieldName(c.field) << " \"" << c.text << "\" hit " << hit;
    }
  }
}

TEST_P(BmaRuleSetTest, MenusIndexesAndBareONumbersHitNothing) {
  for (const TextCase& c : kBmaNothing) {
    std::set<std::string> hits = Hits(*matcher_, c.field, c.text);
    EXPECT_TRUE(hits.empty())
        << FieldName(c.field) << " \"" << c.text << "\" hit " << Join(hits);
  }
}

// The two real documents in ../shared/domain/samples are O22 evidence.
TEST_P(BmaRuleSetTest, SampleIntegrityAnalysisIsO22Measures) {
  std::string text = ReadSample("bangkhae-2564-ita-analysis.txt");
  ASSERT_FALSE(text.empty());
  std::set<std::string> hits = Hits(*matcher_, Field::kDocText, text);
  EXPECT_EQ(hits, std::set<std::string>{"O22/measures"}) << Join(hits);
}

TEST_P(BmaRuleSetTest, SampleMeasuresReportIsO22Report) {
  std::string text = ReadSample("thonburi-2564-measures-report.txt");
  ASSERT_FALSE(text.empty());
  std::set<std::string> hits = Hits(*matcher_, Field::kDocText, text);
  EXPECT_EQ(hits, std::set<std::string>{"O22/report"}) << Join(hits);
}

TEST_P(BmaRuleSetTest, UnderConstructionPagesArePlaceholders) {
  EXPECT_TRUE(matcher_->IsPlaceholder(NormalizeThai("อยู่ระหว่างปรับปรุงข้อมูล")));
  EXPECT_TRUE(matcher_->IsPlaceholder(NormalizeThai("อยู่ระหว่าง การจัดทำ")));
  EXPECT_TRUE(matcher_->IsPlaceholder("Coming Soon"));
  EXPECT_FALSE(matcher_->IsPlaceholder(
      NormalizeThai("แผนปฏิบัติราชการประจำปี 2568 ดาวน์โหลด")));
}

INSTANTIATE_TEST_SUITE_P(Shipped, BmaRuleSetTest, testing::ValuesIn(kBmaFiles));

// A few items of the provisional national set, including the ones that
// differ from the BMA list (Q&A, No Gift, anti-corruption plan).
const TextCase kNaccHits[] = {
    {Field::kLinkText, "โครงสร้างหน่วยงาน", "O1/structure"},
    {Field::kLinkText, "ข้อมูลผู้บริหาร", "O2/executives"},
    {Field::kLinkText, "อำนาจหน้าที่", "O3/duties"},
    {Field::kLinkText, "ข่าวประชาสัมพันธ์", "O5/news"},
    {Field::kLinkText, "Q&A", "O6/qa"},
    {Field::kLinkText, "แผนยุทธศาสตร์ พ.ศ. 2566-2570", "O7/plan"},
    {Field::kLinkText, "แผนการดำเนินงานประจำปี 2568", "O8/plan"},
    {Field::kLinkText, "รายงานการกำกับติดตามการดำเนินงาน รอบ 6 เดือน",
     "O8/progress"},
    {Field::kLinkText, "รายงานผลการดำเนินงานประจำปี 2567", "O9/report"},
    {Field::kLinkText, "แผนการจัดซื้อจัดจ้าง ประจำปีงบประมาณ 2568", "O14/plan"},
    {Field::kLinkText, "สรุปผลการจัดซื้อจัดจ้างรายเดือน", "O16/monthly"},
    {Field::kLinkText, "รายงานผลการจัดซื้อจัดจ้างประจำปี 2567", "O17/report"},
    {Field::kLinkText, "คู่มือการจัดการเรื่องร้องเรียนการทุจริต",
     "O21/guideline"},
    {Field::kLinkText, "ประกาศเจตนารมณ์ No Gift Policy", "O25/announcement"},
    {Field::kLinkText, "รายงานผลตามนโยบาย No Gift Policy", "O27/report"},
    {Field::kLinkText, "แผนปฏิบัติการป้องกันการทุจริต ประจำปี 2568", "O30/plan"},
    {Field::kLinkText, "มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน",
     "O32/measures"},
};

TEST(NaccRuleSetTest, RealisticTextsHitExactlyTheirComponent) {
  RuleSet rules = LoadOrDie("nacc-2568.yaml");
  std::string err;
  std::unique_ptr<Matcher> matcher = Matcher::Create(rules, &err);
  ASSERT_NE(matcher, nullptr) << err;
  for (const TextCase& c : kNaccHits) {
    std::set<std::string> hits = Hits(*matcher, c.field, c.text);
    EXPECT_EQ(hits, std::set<std::string>{c.expected})
        << FieldName(c.field) << " \"" << c.text << "\" hit " << Join(hits);
  }
}

}  // namespace
}  // namespace oitwatch
