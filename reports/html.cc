// The HTML report: the index page, the level and window arithmetic, and
// writing the report directory (site pages: html_site.cc; shared pieces:
// html_page.cc).
#include "reports/html.h"

#include <cctype>
#include <cstdio>
#include <filesystem>
#include <set>
#include <string_view>
#include <utility>

#include "reports/escape.h"
#include "reports/html_page.h"
#include "reports/html_site.h"
#include "reports/output_file.h"
#include "reports/render.h"
#include "rules/thai_date.h"

namespace oitwatch {
namespace {

std::string H(std::string_view s) { return HtmlEscape(s); }

// ---------------------------------------------------------------- index

std::string WindowBox(const Report& r) {
  int to_start = 0, to_end = 0;
  if (!DaysToWindow(r.as_of, r.fiscal_year, &to_start, &to_end)) return "";
  std::string year = std::to_string(r.fiscal_year);
  std::string text;
  if (to_start > 0) {
    text = "อีก <b>" + std::to_string(to_start) + "</b> วันถึงวันเปิดกรอกข้อมูล OIT "
           "และ " + std::to_string(to_end) + " วันถึงวันปิด (" +
           std::to_string(to_start) + " days to the window opening, " +
           std::to_string(to_end) + " to its close)";
  } else if (to_end >= 0) {
    text = "อยู่ในช่วงกรอกข้อมูล OIT เหลืออีก <b>" + std::to_string(to_end) +
           "</b> วันถึงวันปิด (window open: " + std::to_string(to_end) +
           " days left)";
  } else {
    text = "ช่วงกรอกข้อมูล OIT ปิดไปแล้ว " + std::to_string(-to_end) +
           " วัน (the window closed " + std::to_string(-to_end) +
           " days ago)";
  }
  return "<div class=\"box\">" + text + "<br><span class=\"note\">สมมติว่าช่วง"
         "กรอกข้อมูล OIT ของปีงบประมาณ " + year + " คือ 1 มีนาคม – 30 เมษายน " +
         year + " นับจากวันที่ตรวจ " + H(r.as_of) + " (assumed OIT data-entry "
         "window 1 Mar – 30 Apr of the FY, as in ITA 2565; check the NACC "
         "calendar of the year)</span></div>\n";
}

// Item ids and titles for the matrix columns: the first site with items.
std::vector<const ItemReport*> Columns(const Report& r) {
  std::vector<const ItemReport*> columns;
  for (const SiteReport& site : r.sites) {
    if (site.items.empty()) continue;
    for (const ItemReport& item : site.items) columns.push_back(&item);
    break;
  }
  return columns;
}

std::string MatrixCell(const SiteReport& site, const ItemReport* column) {
  for (const ItemReport& item : site.items) {
    if (item.id != column->id) continue;
    return "<td class=\"s " + StatusClass(item.status) + "\" title=\"" +
           H(item.id + " " + StatusThai(item.status) + " (" + item.status +
             ")") + "\"><a href=\"" + H(SitePageName(site.id)) + "#" +
           H(ItemAnchor(item.id)) + "\">" + StatusSymbol(item.status) +
           "</a></td>";
  }
  return "<td class=\"s\">·</td>";
}

std::string MatrixRow(const SiteReport& site,
                      const std::vector<const ItemReport*>& columns) {
  std::string out = "<tr><th class=\"nw\"><a href=\"" +
                    H(SitePageName(site.id)) + "\">" +
                    H(site.name) + "</a><br><span class=\"note\">" +
                    H(site.name_en) + "</span></th>" + LevelCells(site);
  for (const ItemReport* column : columns) out += MatrixCell(site, column);
  return out + "</tr>\n";
}

std::string Matrix(const Report& r) {
  std::vector<const ItemReport*> columns = Columns(r);
  std::string out =
      "<table class=\"m\"><thead><tr><th>หน่วยงาน (site)</th><th "
      "class=\"nw\">คะแนน OIT<br>คาดการณ์<br><span class=\"note\">predicted"
      "<br>OIT score</span></th><th "
      "class=\"lv\">"
      "ระดับถ้า IIT/EIT<br>เท่ากับ OIT<br><span class=\"note\">level if equal"
      "</span></th><th class=\"lv\">ระดับสูงสุด<br>ที่ยังเป็นไปได้<br><span class=\"note\">"
      "best reachable</span></th>";
  for (const ItemReport* c : columns) {
    out += "<th class=\"s\" title=\"" + H(c->title) + "\">" + H(c->id) +
           "</th>";
  }
  out += "</tr></thead>\n<tbody>\n";
  for (const SiteReport& site : r.sites) out += MatrixRow(site, columns);
  return out + "</tbody></table>\n";
}

std::string Summary(const Report& r) {
  int checked = 0, scored = 0;
  double sum = 0;
  for (const SiteReport& site : r.sites) {
    checked += site.state == "checked";
    if (!site.score) continue;
    sum += *site.score;
    ++scored;
  }
  std::string out = "<p>หน่วยงาน (sites) " + std::to_string(r.sites.size()) +
                    " · ตรวจแล้ว (checked) " + std::to_string(checked) +
                    " · ตรวจไม่ได้ (unchecked) " +
                    std::to_string(r.sites.size() - checked);
  if (scored > 0) {  // sites without a score are left out, never 0
    const std::string n = std::to_string(scored);
    out += " · คะแนนเฉลี่ยคาดการณ์ (mean predicted score) <b>" +
           ScoreText(sum / scored) + "</b> (จาก " + n +
           " หน่วยงานที่มีคะแนน; of " + n +
           (scored == 1 ? " site" : " sites") + " with a score)";
  }
  return out + "</p>\n";
}

std::string IndexPage(const Report& r) {
  std::string body =
      "<h1>รายงานการตรวจการเปิดเผยข้อมูลสาธารณะ (OIT) <span class=\"note\">OIT "
      "disclosure report</span></h1>\n" +
      RunFacts(r) + WindowBox(r) + Summary(r) + StatusLegend() + Matrix(r) +
      "<p class=\"note\">หน่วยงานที่ตรวจไม่ได้ไม่ถูกนับว่า \"ไม่พบ\" (items of "
      "unchecked sites are never counted as missing)</p>\n" +
      LevelExplanation();
  return HtmlPage("รายงาน OIT ปีงบประมาณ " + std::to_string(r.fiscal_year), body);
}

// ---------------------------------------------------------------- dates, I/O

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant).
int64_t DaysFromCivil(int y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// The newest finished run older than `run_id`, 0 if none.
int64_t PreviousRun(Store& store, int64_t run_id, std::string* err) {
  std::vector<RunInfo> runs;
  if (!store.ListRuns(&runs, err)) return -1;
  int64_t best = 0;
  for (const RunInfo& run : runs) {
    if (run.status == "finished" && run.id < run_id && run.id > best) {
      best = run.id;
    }
  }
  return best;
}

}  // namespace

std::string SitePageName(const std::string& site_id) {
  std::string safe;
  for (char c : site_id) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '-' ||
              c == '_';
    safe.push_back(ok && static_cast<unsigned char>(c) < 0x80 ? c : '_');
  }
  return "site-" + safe + ".html";
}

const char* LevelIfToolsEqual(double oit_score) {
  if (oit_score >= 95) return "ผ่านดีเยี่ยม";
  if (oit_score >= 85) return "ผ่านดี";
  if (oit_score >= 70) return "ต้องปรับปรุง";
  return "ต้องปรับปรุงโดยด่วน";
}

const char* BestReachableLevel(double oit_score) {
  const double best_total = 60 + 0.4 * oit_score;  // IIT = EIT = 100
  if (oit_score >= 95) return "ผ่านดีเยี่ยม";
  if (oit_score >= 85) return "ผ่านดี";
  if (best_total >= 85) return "ผ่าน";
  if (best_total >= 70) return "ต้องปรับปรุง";
  return "ต้องปรับปรุงโดยด่วน";
}

bool DaysToWindow(const std::string& as_of, int fiscal_year, int* to_start,
                  int* to_end) {
  int y = 0, m = 0, d = 0;
  if (!ParseIsoDate(as_of, &y, &m, &d)) return false;
  const int ce = fiscal_year - 543;
  const int64_t today = DaysFromCivil(y, m, d);
  *to_start = static_cast<int>(DaysFromCivil(ce, 3, 1) - today);
  *to_end = static_cast<int>(DaysFromCivil(ce, 4, 30) - today);
  return true;
}

std::vector<HtmlFile> RenderHtml(const Report& report,
                                 const HtmlContext& context) {
  std::vector<HtmlFile> files = {{"index.html", IndexPage(report)}};
  for (const SiteReport& site : report.sites) {
    files.push_back(
        {SitePageName(site.id), RenderSitePage(report, site, context)});
  }
  return files;
}

bool WriteHtmlReport(Store& store, const Report& report,
                     const std::string& dir, std::string* err) {
  HtmlContext context;
  Report previous;
  int64_t previous_id = PreviousRun(store, report.run_id, err);
  if (previous_id < 0) return false;
  if (previous_id > 0 && BuildReport(store, previous_id, "", &previous, err)) {
    context.previous = &previous;
  }
  for (const SiteReport& site : report.sites) {
    if (!store.ListPages(report.run_id, site.id, &context.pages[site.id], err)) {
      return false;
    }
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec || !std::filesystem::is_directory(dir)) {
    *err = dir + ": cannot create the report directory" +
           (ec ? " (" + ec.message() + ")" : "");
    return false;
  }
  std::vector<HtmlFile> files = RenderHtml(report, context);
  for (size_t i = files.size(); i-- > 0;) {  // index.html (first) last
    if (!WriteOutputFile((std::filesystem::path(dir) / files[i].name).string(),
                         files[i].html, err)) {
      return false;
    }
  }
  return true;
}

}  // namespace oitwatch