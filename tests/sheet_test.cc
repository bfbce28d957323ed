// The OIT submission sheet (reports/sheet.h): มี only for pass, with its
// URLs; ไม่มี with the Thai reason and no URL otherwise; ตรวจไม่ได้ and no
// URL claim for unchecked items; CSV that Excel reads (BOM, CRLF, formula
// guard). Plus the real `oitwatch report --format sheet` on a real store.
#include "reports/sheet.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "reports/render.h"
#include "tests/test_process.h"

namespace oitwatch {
namespace {

using Rows = std::vector<std::vector<std::string>>;

// RFC 4180 reader for the test (quoted fields may hold CRLF and "").
Rows ParseCsv(const std::string& text) {
  Rows rows(1, std::vector<std::string>(1));
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    std::string& cell = rows.back().back();
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        cell.push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cell.push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().emplace_back();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      rows.emplace_back(1);
      ++i;
    } else {
      cell.push_back(c);
    }
  }
  if (rows.back().size() == 1 && rows.back()[0].empty()) rows.pop_back();
  return rows;
}

EvidenceRef Ref(const std::string& url, const std::string& state) {
  EvidenceRef e;
  e.url = url;
  e.found_on = "https://webportal.bangkok.go.th/laksi/ita";
  e.state = state;
  return e;
}

ItemReport Item(const std::string& id, const std::string& status,
                const std::string& reason) {
  ItemReport item;
  item.id = id;
  item.title = "ชื่อ " + id;
  item.status = status;
  item.reason = reason;
  return item;
}

Report Sample() {
  Report r;
  r.fiscal_year = 2568;
  r.as_of = "2025-04-10";
  r.run_id = 7;
  SiteReport laksi;
  laksi.id = "laksi";
  laksi.name = "สำนักงานเขตหลักสี่";
  laksi.url = "https://webportal.bangkok.go.th/laksi";
  laksi.state = "checked";
  ItemReport pass = Item("O1", "pass", "พบครบทุกองค์ประกอบ (all components found for FY2568)");
  pass.evidence = {Ref("https://webportal.bangkok.go.th/a.pdf", "ok"),
                   Ref("https://webportal.bangkok.go.th/b.pdf", "ok"),
                   Ref("https://webportal.bangkok.go.th/a.pdf", "ok"),
                   Ref("javascript:alert(1)", "ok")};
  ItemReport stale = Item("O5", "stale",
                          "พบแผน ปีงบประมาณ 2567 แต่ต้องเป็น 2568 (found FY2567, need FY2568)");
  stale.evidence = {Ref("https://webportal.bangkok.go.th/old.pdf", "stale")};
  ItemReport unchecked = Item("O6", "unchecked",
                              "ตรวจ https://x/y.pdf ไม่ได้ (could not fetch https://x/y.pdf: timeout)");
  unchecked.evidence = {Ref("https://webportal.bangkok.go.th/maybe.pdf", "unfetched")};
  ItemReport formula = Item("O7", "missing", "ไม่พบหลักฐาน (no evidence found)");
  formula.title = "=HYPERLINK(\"http://evil\",\"x\")";
  laksi.items = {pass, stale, unchecked, formula,
                 Item("O8", "partial", "ไม่พบรายงาน (missing report)"),
                 Item("O9", "broken", "ลิงก์เสีย: https://h/x ตอบ HTTP 404 (broken link: https://h/x returns HTTP 404)")};
  SiteReport bangkhen;
  bangkhen.id = "bangkhen";
  bangkhen.name = "สำนักงานเขตบางเขน";
  bangkhen.state = "unchecked";
  bangkhen.items = {Item("O1", "unchecked", "ไม่พบชื่อโดเมน (DNS failure: dns_error)")};
  r.sites = {laksi, bangkhen};
  return r;
}

// The row of `item` in the first block.
std::vector<std::string> RowOf(const Rows& rows, const std::string& item) {
  for (const auto& row : rows) {
    if (!row.empty() && row[0] == item) return row;
  }
  return {};
}

TEST(SheetTest, IsExcelFriendlyCsvWithOneBlockPerSite) {
  std::string csv = RenderSheet(Sample());
  ASSERT_EQ(csv.rfind("\xEF\xBB\xBF", 0), 0u);
  Rows rows = ParseCsv(csv.substr(3));
  ASSERT_GE(rows.size(), 10u);
  EXPECT_EQ(rows[0][0], "หน่วยงาน (site)");
  EXPECT_EQ(rows[0][1], "สำนักงานเขตหลักสี่ (laksi)");
  EXPECT_EQ(rows[1], (std::vector<std::string>{"ข้อ (item)", "ชื่อรายการ (title)",
                                               "มี/ไม่มี", "URL",
                                               "คำอธิบาย (explanation)"}));
  EXPECT_EQ(rows[8], std::vector<std::string>{""});  // between blocks
  EXPECT_EQ(rows[9][1], "สำนักงานเขตบางเขน (bangkhen)");
  for (const auto& row : rows) {
    if (row.size() > 1) {
      EXPECT_EQ(row.size(), 5u) << row[0];
    }
  }
}

TEST(SheetTest, PassIsMeeWithEveryDistinctHttpEvidenceUrl) {
  Rows rows = ParseCsv(RenderSheet(Sample()).substr(3));
  std::vector<std::string> o1 = RowOf(rows, "O1");
  ASSERT_EQ(o1.size(), 5u);
  EXPECT_EQ(o1[2], "มี");
  EXPECT_EQ(o1[3], "https://webportal.bangkok.go.th/a.pdf\n"
                   "https://webportal.bangkok.go.th/b.pdf");
  EXPECT_NE(o1[4].find("ปีงบประมาณ 2568"), std::string::npos);
  EXPECT_NE(o1[4].find("https://webportal.bangkok.go.th/laksi/ita"),
            std::string::npos);
}

TEST(SheetTest, NotPassIsMaiMeeWithThaiReasonAndNoUrl) {
  Rows rows = ParseCsv(RenderSheet(Sample()).substr(3));
  for (const char* id : {"O5", "O7", "O8", "O9"}) {
    std::vector<std::string> row = RowOf(rows, id);
    ASSERT_EQ(row.size(), 5u) << id;
    EXPECT_EQ(row[2], "ไม่มี") << id;
    EXPECT_EQ(row[3], "") << id;
  }
  EXPECT_EQ(RowOf(rows, "O5")[4], "พบแผน ปีงบประมาณ 2567 แต่ต้องเป็น 2568");
  EXPECT_EQ(RowOf(rows, "O8")[4], "ไม่พบรายงาน");
  EXPECT_EQ(RowOf(rows, "O9")[4], "ลิงก์เสีย: https://h/x ตอบ HTTP 404");
}

TEST(SheetTest, UncheckedClaimsNoUrl) {
  Rows rows = ParseCsv(RenderSheet(Sample()).substr(3));
  std::vector<std::string> o6 = RowOf(rows, "O6");
  ASSERT_EQ(o6.size(), 5u);
  EXPECT_EQ(o6[2], "ตรวจไม่ได้");
  EXPECT_EQ(o6[3], "");
  EXPECT_NE(o6[4].find("ต้องตรวจด้วยตนเอง"), std::string::npos);
  std::string csv = RenderSheet(Sample());
  EXPECT_EQ(csv.find("maybe.pdf"), std::string::npos);
}

TEST(SheetTest, FormulaInAWebTitleIsDefused) {
  std::vector<std::string> o7 = RowOf(ParseCsv(RenderSheet(Sample()).substr(3)), "O7");
  ASSERT_EQ(o7.size(), 5u);
  EXPECT_EQ(o7[1], "'=HYPERLINK(\"http://evil\",\"x\")");
}

TEST(SheetTest, ThaiPartDropsEnglishGlosses) {
  struct Case {
    const char* in;
    const char* out;
  } cases[] = {
      {"ไม่พบแผน (missing plan)", "ไม่พบแผน"},
      {"ไม่พบแผน (missing plan); ไม่พบรายงาน (missing report)",
       "ไม่พบแผน; ไม่พบรายงาน"},
      {"พบ (ข้อความไทย) ต่อ", "พบ (ข้อความไทย) ต่อ"},  // Thai in parentheses
      {"ไม่พบ (a (nested) gloss)", "ไม่พบ"},
      {"(English only)", "(English only)"},           // nothing Thai left
      {"", ""},
  };
  for (const Case& c : cases) EXPECT_EQ(ThaiPart(c.in), c.out) << c.in;
}

TEST(SheetTest, AnswerWords) {
  EXPECT_STREQ(SheetAnswer("pass"), "มี");
  EXPECT_STREQ(SheetAnswer("unchecked"), "ตรวจไม่ได้");
  for (const char* s : {"partial", "stale", "missing", "broken"}) {
    EXPECT_STREQ(SheetAnswer(s), "ไม่มี") << s;
  }
}

TEST(SheetTest, IsARegisteredFormat) {
  const Renderer* r = FindRenderer("sheet");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->render(Sample()), RenderSheet(Sample()));
}

TEST(SheetTest, CommandPrintsOneSiteFromARealStore) {
  std::string dir = MakeTempDir();
  std::string db = dir + "/oitwatch.db";
  {
    std::string err;
    std::unique_ptr<Store> store = Store::Open(db, &err);
    ASSERT_NE(store, nullptr) << err;
    for (const char* id : {"laksi", "bangkhen"}) {
      ASSERT_TRUE(store->UpsertSite({id, id, id, "https://h/" + std::string(id), {}}, &err)) << err;
    }
    RunInfo run;
    run.ruleset_id = "bma-district";
    run.fiscal_year = 2568;
    run.as_of = "2025-04-10";
    int64_t run_id = 0;
    ASSERT_TRUE(store->BeginRun(run, &run_id, &err)) << err;
    ItemVerdict v;
    v.item_id = "O1";
    v.title = "โครงสร้าง";
    v.status = ItemStatus::kPass;
    v.evidence = {Ref("https://h/laksi/o1.pdf", "ok")};
    SiteRunInfo info;
    info.site_id = "laksi";
    info.state = "checked";
    ASSERT_TRUE(store->SaveSiteResult(run_id, info, {v}, &err)) << err;
    info.site_id = "bangkhen";
    ASSERT_TRUE(store->SaveSiteResult(run_id, info, {v}, &err)) << err;
    ASSERT_TRUE(store->FinishRun(run_id, "finished", &err)) << err;
  }
  ProcessResult r = RunProcess({OITWATCH_BINARY, "report", "--db", db,
                                "--format", "sheet", "--site", "laksi"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Rows rows = ParseCsv(r.out.substr(3));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[2], (std::vector<std::string>{
                         "O1", "โครงสร้าง", "มี", "https://h/laksi/o1.pdf",
                         "เผยแพร่ครบทุกองค์ประกอบ ปีงบประมาณ 2568 ลิงก์อยู่ที่หน้า "
                         "https://webportal.bangkok.go.th/laksi/ita"}));
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

}  // namespace
}  // namespace oitwatch
