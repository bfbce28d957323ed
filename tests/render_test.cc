#include "reports/render.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "reports/escape.h"
#include "tests/test_reports.h"

namespace oitwatch {
namespace {

const std::string kFffd = "\xEF\xBF\xBD";
const std::string kRlo = "\xE2\x80\xAE";  // U+202E RIGHT-TO-LEFT OVERRIDE

EvidenceRef Evidence(const std::string& url, const std::string& text) {
  return SampleEvidence("plan", url, "https://www.bangkok.go.th/laksi/page/ita",
                        text);
}

ItemReport Item(const std::string& id, const std::string& status,
                const std::string& title) {
  ItemReport item;
  item.id = id;
  item.status = status;
  item.title = title;
  return item;
}

SiteReport Laksi() {
  SiteReport site;
  site.id = "laksi";
  site.name = "สำนักงานเขตหลักสี่";
  site.name_en = "Lak Si District Office";
  site.url = "https://www.bangkok.go.th/laksi";
  site.state = "checked";
  site.pages = 120;
  site.documents = 40;
  ItemReport o1 = Item("O1", "pass", "โครงสร้าง");
  o1.evidence.push_back(
      Evidence("https://www.bangkok.go.th/laksi/structure.pdf?a=1,b=\"2\"",
               "โครงสร้าง</script><script>alert(1)</script>"));
  ItemReport o2 = Item("O2", "partial", "ข้อมูลผู้บริหาร\"><img onerror=x>");
  o2.missing_components = {"=HYPERLINK(\"http://evil\",\"x\")", "+1", "-2"};
  o2.missing_months = {"2024-10", "2024-11"};
  o2.reason = "@SUM(A1)\x1b[31m red " + kRlo + "fdp.exe bad\xff";
  ItemReport o3 = Item("O3", "missing", "\tอำนาจหน้าที่\r\nline2");
  o3.reason = "ไม่พบ";
  site.items = {o1, o2, o3};
  site.score = PredictedScore(site);
  return site;
}

SiteReport Bangkhen() {
  SiteReport site;
  site.id = "bangkhen";
  site.name = "สำนักงานเขตบางเขน";
  site.name_en = "Bang Khen District Office";
  site.url = "https://www.bangkok.go.th/bangkhen";
  site.state = "unchecked";
  site.reason = "HTTP 403 (Cloudflare)";
  site.items = {Item("O1", "unchecked", "โครงสร้าง"),
                Item("O2", "unchecked", "ข้อมูลผู้บริหาร")};
  return site;
}

SiteReport Empty() {
  SiteReport site;
  site.id = "dusit";
  site.name = "สำนักงานเขตดุสิต";
  site.state = "unchecked";
  site.reason = "DNS error";
  return site;
}

Report SampleReport() {
  Report r;
  r.ruleset = "bma-district";
  r.ruleset_version = "2568.1";
  r.fiscal_year = 2568;
  r.as_of = "2025-04-10";
  r.run_id = 7;
  r.run_status = "finished";
  r.started_at = "2025-04-10T01:00:00Z";
  r.finished_at = "2025-04-10T02:00:00Z";
  r.sites = {Laksi(), Bangkhen(), Empty()};
  return r;
}

// Strict RFC 4180 parser (CRLF records, quotes only around whole fields).
// Returns false on any syntax error.
bool ParseCsv(const std::string& in,
              std::vector<std::vector<std::string>>* rows) {
  std::vector<std::string> row;
  std::string cell;
  size_t i = 0;
  while (i < in.size()) {
    if (in[i] == '"') {
      for (++i;; ++i) {
        if (i >= in.size()) return false;
        if (in[i] == '"' && i + 1 < in.size() && in[i + 1] == '"') {
          cell.push_back('"');
          ++i;
        } else if (in[i] == '"') {
          ++i;
          break;
        } else {
          cell.push_back(in[i]);
        }
      }
    } else {
      while (i < in.size() && in[i] != ',' && in[i] != '\r') {
        if (in[i] == '"' || in[i] == '\n') return false;
        cell.push_back(in[i++]);
      }
    }
    if (i >= in.size()) return false;  // every record ends with CRLF
    row.push_back(cell);
    cell.clear();
    if (in[i] == ',') {
      ++i;
      continue;
    }
    if (in.compare(i, 2, "\r\n") != 0) return false;
    i += 2;
    rows->push_back(row);
    row.clear();
  }
  return true;
}

std::vector<std::vector<std::string>> CsvRows(const Report& r) {
  std::string csv = RenderCsv(r);
  EXPECT_EQ(csv.rfind("\xEF\xBB\xBF", 0), 0u);
  std::vector<std::vector<std::string>> rows;
  EXPECT_TRUE(ParseCsv(csv.substr(3), &rows)) << csv;
  return rows;
}

TEST(RenderJsonTest, ParsesStrictlyWithRequiredKeysAndTypes) {
  nlohmann::json j = nlohmann::json::parse(RenderJson(SampleReport()));
  EXPECT_EQ(j.at("ruleset"), "bma-district");
  EXPECT_EQ(j.at("ruleset_version"), "2568.1");
  EXPECT_EQ(j.at("fiscal_year"), 2568);
  EXPECT_EQ(j.at("as_of"), "2025-04-10");
  EXPECT_EQ(j.at("run_id"), 7);
  EXPECT_EQ(j.at("run_status"), "finished");
  const nlohmann::json& site = j.at("sites").at(0);
  EXPECT_EQ(site.at("id"), "laksi");
  EXPECT_EQ(site.at("name"), "สำนักงานเขตหลักสี่");
  EXPECT_EQ(site.at("state"), "checked");
  EXPECT_DOUBLE_EQ(site.at("score").get<double>(), 33.33);
  EXPECT_EQ(site.at("pages"), 120);
  const nlohmann::json& item = site.at("items").at(0);
  EXPECT_EQ(item.at("id"), "O1");
  EXPECT_EQ(item.at("status"), "pass");
  EXPECT_TRUE(item.at("missing_components").is_array());
  const nlohmann::json& e = item.at("evidence").at(0);
  EXPECT_EQ(e.at("date"), "2025-01-15");
  EXPECT_EQ(e.at("fiscal_year"), 2568);
  for (const char* key : {"url", "found_on", "text", "component", "date_source",
                          "state", "field"}) {
    EXPECT_TRUE(e.at(key).is_string()) << key;
  }
}

TEST(RenderJsonTest, ScoreIsNullForUncheckedSite) {
  nlohmann::json j = nlohmann::json::parse(RenderJson(SampleReport()));
  const nlohmann::json& site = j.at("sites").at(1);
  EXPECT_EQ(site.at("state"), "unchecked");
  EXPECT_TRUE(site.at("score").is_null());
  EXPECT_EQ(site.at("reason"), "HTTP 403 (Cloudflare)");
}

TEST(RenderJsonTest, CountsHoldEveryStatus) {
  nlohmann::json j = nlohmann::json::parse(RenderJson(SampleReport()));
  const nlohmann::json& counts = j.at("sites").at(0).at("counts");
  EXPECT_EQ(counts.size(), 7u) << "six states plus not_applicable (overrides)";
  EXPECT_EQ(counts.at("not_applicable"), 0);
  EXPECT_EQ(counts.at("pass"), 1);
  EXPECT_EQ(counts.at("partial"), 1);
  EXPECT_EQ(counts.at("missing"), 1);
  EXPECT_EQ(counts.at("unchecked"), 0);
}

// Laksi with O3 unchecked (a page that may hold it failed): 1 of 3 passes.
Report PartlyCheckedReport() {
  Report r = SampleReport();
  SiteReport& laksi = r.sites[0];
  laksi.items[2].status = "unchecked";
  laksi.items[2].reason = "ตรวจไม่ครบ (crawl incomplete: 1 page could not be fetched)";
  laksi.score = PredictedScore(laksi);
  return r;
}

TEST(RenderJsonTest, EverySiteSaysHowManyItemsWereNotChecked) {
  nlohmann::json j = nlohmann::json::parse(RenderJson(PartlyCheckedReport()));
  const nlohmann::json& laksi = j.at("sites").at(0);
  EXPECT_DOUBLE_EQ(laksi.at("score").get<double>(), 33.33)
      << "an unchecked item is not a pass";
  EXPECT_EQ(laksi.at("unchecked_items"), 1);
  EXPECT_EQ(j.at("sites").at(1).at("unchecked_items"), 2);
  EXPECT_EQ(j.at("sites").at(2).at("unchecked_items"), 0);
  nlohmann::json all = nlohmann::json::parse(RenderJson(SampleReport()));
  EXPECT_EQ(all.at("sites").at(0).at("unchecked_items"), 0);
}

TEST(RenderJsonTest, HostileStringsRoundTripAndCannotCloseAScriptTag) {
  std::string out = RenderJson(SampleReport());
  EXPECT_EQ(out.find('<'), std::string::npos);
  nlohmann::json j = nlohmann::json::parse(out);
  EXPECT_EQ(j["sites"][0]["items"][0]["evidence"][0]["text"],
            "โครงสร้าง</script><script>alert(1)</script>");
}

TEST(RenderJsonTest, InvalidUtf8BecomesReplacementCharacter) {
  nlohmann::json j = nlohmann::json::parse(RenderJson(SampleReport()));
  std::string reason = j["sites"][0]["items"][1]["reason"];
  EXPECT_NE(reason.find("bad" + kFffd), std::string::npos) << reason;
}

TEST(RenderJsonTest, EmptyReportIsValidJson) {
  nlohmann::json j = nlohmann::json::parse(RenderJson(Report{}));
  EXPECT_TRUE(j.at("sites").is_array());
  EXPECT_TRUE(j.at("sites").empty());
}

TEST(RenderCsvTest, StartsWithBomAndEndsEveryRowWithCrlf) {
  std::string csv = RenderCsv(SampleReport());
  ASSERT_EQ(csv.rfind("\xEF\xBB\xBFrun_id,fiscal_year,site_id,", 0), 0u);
  EXPECT_EQ(csv.substr(csv.size() - 2), "\r\n");
}

TEST(RenderCsvTest, RoundTripsThroughRfc4180ParserOneRowPerSiteItem) {
  auto rows = CsvRows(SampleReport());
  ASSERT_EQ(rows.size(), 1u + 3 + 2 + 1);  // header, laksi, bangkhen, dusit
  for (const auto& row : rows) EXPECT_EQ(row.size(), 15u);
  EXPECT_EQ(rows[0][14], "evidence_fiscal_year");
  EXPECT_EQ(rows[1][2], "laksi");
  EXPECT_EQ(rows[1][11],
            "https://www.bangkok.go.th/laksi/structure.pdf?a=1,b=\"2\"");
  EXPECT_EQ(rows[1][14], "2568");
  EXPECT_EQ(rows[2][9], "'=HYPERLINK(\"http://evil\",\"x\") | +1 | -2");
  EXPECT_EQ(rows[2][10], "2024-10 | 2024-11");
}

TEST(RenderCsvTest, NoCellStartsWithAFormulaTrigger) {
  for (const auto& row : CsvRows(SampleReport())) {
    for (const std::string& cell : row) {
      if (cell.empty()) continue;
      EXPECT_EQ(std::string("=+-@\t\r\n").find(cell[0]), std::string::npos)
          << cell;
    }
  }
}

TEST(RenderCsvTest, UncheckedSiteWithoutItemsGetsOneRowWithItsReason) {
  auto rows = CsvRows(SampleReport());
  const auto& dusit = rows.back();
  EXPECT_EQ(dusit[2], "dusit");
  EXPECT_EQ(dusit[4], "unchecked");
  EXPECT_EQ(dusit[5], "");
  EXPECT_EQ(dusit[7], "unchecked");
  EXPECT_EQ(dusit[8], "DNS error");
}

TEST(RenderTextTest, ShowsRunHeaderAndThaiStatusLabels) {
  std::string text = RenderText(SampleReport());
  for (const char* want :
       {"ชุดเกณฑ์", "bma-district 2568.1", "ปีงบประมาณ", "2568", "2025-04-10",
        "#7 finished", "สำนักงานเขตหลักสี่", "Lak Si District Office", "ผ่าน (pass)",
        "ไม่ครบ (partial)", "ไม่พบ (missing)", "33.33", "2024-10, 2024-11",
        "structure.pdf"}) {
    EXPECT_NE(text.find(want), std::string::npos) << want << "\n" << text;
  }
}

TEST(RenderTextTest, UncheckedSiteSaysItsItemsAreNotMissing) {
  std::string text = RenderText(SampleReport());
  EXPECT_NE(text.find("ตรวจไม่ได้ (unchecked): HTTP 403 (Cloudflare)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("items are NOT reported as missing"), std::string::npos);
  EXPECT_EQ(text.find("O1   ตรวจไม่ได้"), std::string::npos)
      << "unchecked sites get one line, not item lines\n"
      << text;
}

TEST(RenderTextTest, SummaryCountsSitesAndItems) {
  std::string text = RenderText(SampleReport());
  EXPECT_NE(text.find("สรุป (summary)"), std::string::npos);
  EXPECT_NE(text.find("ตรวจแล้ว checked 1 · ตรวจไม่ได้ unchecked 2"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("ตรวจไม่ได้ unchecked 2\n"), std::string::npos) << text;
}

TEST(RenderTextTest, ScoreSaysHowManyItemsWereNotChecked) {
  std::string text = RenderText(PartlyCheckedReport());
  EXPECT_NE(text.find("33.33 / 100 · ตรวจไม่ได้ 1 รายการ นับเป็นไม่ผ่าน (1 item "
                      "not checked, counted as not passed)"),
            std::string::npos)
      << text;
  std::string all = RenderText(SampleReport());
  EXPECT_NE(all.find("33.33 / 100\n"), std::string::npos) << all;
  EXPECT_EQ(all.find("not checked, counted"), std::string::npos) << all;
}

// The mean leaves out sites without a score and says so; items not checked
// on checked sites are counted in the summary.
TEST(RenderTextTest, MeanScoreLeavesOutSitesWithoutAScore) {
  Report r = PartlyCheckedReport();
  SiteReport full = r.sites[0];
  full.id = "full";
  full.items[1].status = "pass";
  full.items[2].status = "missing";
  full.score = PredictedScore(full);
  r.sites.push_back(full);
  std::string text = RenderText(r);
  // (33.33 + 66.67) / 2; bangkhen and dusit have no score.
  EXPECT_NE(text.find("(mean predicted score of checked sites): 50 (2 sites "
                      "with a score; 2 without a score left out)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("(items not checked on checked sites): 1\n"),
            std::string::npos)
      << text;
}

TEST(RenderTextTest, HasNoTerminalControlsOrBidiOverrides) {
  std::string text = RenderText(SampleReport());
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    EXPECT_TRUE(u >= 0x20 || c == '\n') << "control byte " << int{u};
  }
  EXPECT_EQ(text.find(kRlo), std::string::npos);
  EXPECT_EQ(text, ValidUtf8(text));
}

TEST(RendererTableTest, FindsEveryFormatByName) {
  ASSERT_GE(Renderers().size(), 3u);
  EXPECT_STREQ(Renderers()[0].name, "text");
  for (const char* name : {"text", "json", "csv"}) {
    const Renderer* r = FindRenderer(name);
    ASSERT_NE(r, nullptr) << name;
    EXPECT_STREQ(r->name, name);
    EXPECT_FALSE(r->render(SampleReport()).empty());
  }
  EXPECT_EQ(FindRenderer("json")->render, &RenderJson);
}

TEST(RendererTableTest, UnknownNameIsNull) {
  EXPECT_EQ(FindRenderer("xml"), nullptr);
  EXPECT_EQ(FindRenderer(""), nullptr);
  EXPECT_EQ(FindRenderer("JSON"), nullptr);
}

}  // namespace
}  // namespace oitwatch
