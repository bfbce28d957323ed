#include "reports/html.h"

#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <string_view>
#include <utility>

#include "reports/escape.h"
#include "reports/render.h"
#include "rules/thai_date.h"

namespace oitwatch {
namespace {

constexpr size_t kMaxCoverageRows = 300;  // per table on a site page

const char kCss[] = R"css(
body{font-family:"Noto Sans Thai","Loma","Garuda","Sarabun",sans-serif;margin:1.5em;color:#1f2328;line-height:1.5}
h1{font-size:1.5em;margin:.2em 0}h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #d0d7de}
table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #d0d7de;padding:.25em .5em;vertical-align:top;text-align:left}
th{background:#f6f8fa}.m td.s,.m th.s{text-align:center;padding:.2em .3em;min-width:1.6em}
.m td.s a{color:inherit;text-decoration:none;display:block}
.nw{white-space:nowrap}.m th .note{font-weight:normal;font-size:.85em}
.st-pass{background:#dafbe1;color:#116329}.st-partial{background:#fff1b8;color:#7d4e00}
.st-stale{background:#ffd8b5;color:#953800}.st-missing{background:#ffcecb;color:#a40e26}
.st-broken{background:#e8d5ff;color:#6e2bb5}.st-unchecked{background:#e5e7eb;color:#57606a}
.st-not_applicable{background:#ddf4ff;color:#0a3069}.st-unknown{background:#fff;color:#000}
.m{font-size:.9em}.m th.lv{min-width:6.5em}
.badge{display:inline-block;padding:0 .5em;border-radius:.6em;font-weight:bold;white-space:nowrap}
.legend span{margin-right:.6em}.note{color:#57606a;font-size:.92em}
.box{border:1px solid #d0d7de;border-radius:6px;padding:.5em 1em;margin:.6em 0;background:#f6f8fa}
.url{word-break:break-all;font-size:.9em}.num{text-align:right}
.item{border-top:1px solid #d0d7de;padding:.4em 0}
)css";

struct StatusStyle {
  const char* status;
  const char* symbol;  // shown in the matrix beside the colour
  const char* english;
};
constexpr StatusStyle kStyles[] = {
    {"pass", "✓", "pass"},         {"partial", "◐", "partial"},
    {"stale", "↻", "stale"},       {"missing", "✗", "missing"},
    {"broken", "!", "broken link"}, {"unchecked", "?", "unchecked"},
    {"not_applicable", "–", "not applicable"}};

const StatusStyle* FindStyle(const std::string& status) {
  for (const StatusStyle& s : kStyles) {
    if (status == s.status) return &s;
  }
  return nullptr;
}

std::string H(std::string_view s) { return HtmlEscape(s); }

std::string StatusClass(const std::string& status) {
  return FindStyle(status) ? "st-" + status : "st-unknown";
}

// "ผ่าน (pass)" in a coloured badge.
std::string Badge(const std::string& status) {
  const StatusStyle* s = FindStyle(status);
  return "<span class=\"badge " + StatusClass(status) + "\">" +
         (s ? std::string(s->symbol) + " " : "") + H(StatusThai(status)) +
         " (" + H(s ? s->english : status) + ")</span>";
}

bool IsHttpUrl(std::string_view url) {
  auto starts = [&](std::string_view prefix) {
    if (url.size() <= prefix.size()) return false;
    for (size_t i = 0; i < prefix.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(url[i])) != prefix[i]) {
        return false;
      }
    }
    return true;
  };
  return starts("http://") || starts("https://");
}

// A link for http(s) URLs; anything else is shown as text, never an href.
std::string UrlHtml(const std::string& url) {
  if (url.empty()) return "";
  if (!IsHttpUrl(url)) return "<span class=\"url\">" + H(url) + "</span>";
  return "<a class=\"url\" href=\"" + H(url) + "\" rel=\"noreferrer\">" +
         H(url) + "</a>";
}

std::string ScoreText(const std::optional<double>& score) {
  if (!score) return "—";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", *score);
  return buf;
}

std::string ItemAnchor(const std::string& item_id) {
  std::string name = SitePageName(item_id);  // "site-<safe>.html"
  return "item-" + name.substr(5, name.size() - 10);
}

// "2025-01-15" -> "15 มกราคม 2568 (2025-01-15)"; "2024-10" -> "ตุลาคม 2567".
std::string ThaiDate(const std::string& iso) {
  int y = 0, m = 0, d = 0;
  if (ParseIsoDate(iso, &y, &m, &d)) {
    return std::to_string(d) + " " + ThaiMonthName(m) + " " +
           std::to_string(y + 543) + " (" + iso + ")";
  }
  if (iso.size() == 7 && std::sscanf(iso.c_str(), "%4d-%2d", &y, &m) == 2 &&
      m >= 1 && m <= 12) {
    return std::string(ThaiMonthName(m)) + " " + std::to_string(y + 543) +
           " (" + iso + ")";
  }
  return iso;
}

std::string Page(const std::string& title, const std::string& body) {
  return "<!DOCTYPE html>\n<html lang=\"th\"><head><meta charset=\"utf-8\">\n"
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
         "'none'; style-src 'unsafe-inline'; img-src data:\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, "
         "initial-scale=1\">\n<meta name=\"referrer\" content=\"no-referrer\">\n"
         "<title>" + H(title) + "</title>\n<style>" + kCss +
         "</style></head>\n<body>\n" + body +
         "<p class=\"note\">สร้างโดย oitwatch (generated by oitwatch) — "
         "ผลคาดการณ์จากการตรวจอัตโนมัติ ไม่ใช่ผลการประเมินจริง (an automated "
         "prediction, not the official assessment)</p>\n</body></html>\n";
}

// ---------------------------------------------------------------- levels

std::string LevelCells(const SiteReport& site) {
  if (!site.score) {
    return "<td>—</td><td>ตรวจไม่ได้ (unchecked)</td><td>—</td>";
  }
  return "<td class=\"num\"><b>" + ScoreText(site.score) +
         "</b></td><td>" + LevelIfToolsEqual(*site.score) + "</td><td>" +
         BestReachableLevel(*site.score) + "</td>";
}

std::string LevelExplanation() {
  return "<div class=\"box note\"><b>คะแนนและระดับ (score and level) — เฉพาะส่วน "
         "OIT (OIT part only)</b><br>คะแนน OIT คาดการณ์ = จำนวนข้อที่ผ่าน ÷ จำนวนข้อ "
         "× 100 (each item scores 100 or 0). ระดับ ITA ตั้งแต่ปีงบประมาณ 2567 "
         "ขึ้นกับคะแนนรวม IIT 30% + EIT 30% + OIT 40%: ผ่านดีเยี่ยม (รวม ≥95 และทุก"
         "เครื่องมือ ≥95) · ผ่านดี (รวม ≥85 และทุกเครื่องมือ ≥85) · ผ่าน (รวม ≥85) · "
         "ต้องปรับปรุง (70–84.99) · ต้องปรับปรุงโดยด่วน (&lt;70). เครื่องมือนี้ตรวจได้"
         "เฉพาะ OIT จึงแสดงสองแบบ: <i>ระดับถ้า IIT/EIT เท่ากับ OIT</i> (level if "
         "IIT and EIT scored the same as OIT) และ <i>ระดับสูงสุดที่ยังเป็นไปได้</i> "
         "(best level still reachable if IIT and EIT scored 100). OIT ต่ำกว่า 85 "
         "จะไม่ได้ ผ่านดี ไม่ว่า IIT/EIT จะเป็นเท่าใด. ที่มา: "
         "shared/domain/assessment.md (levels from FY2567; verify against the "
         "NACC manual).</div>\n";
}

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

std::string Legend() {
  std::string out = "<p class=\"legend\">สัญลักษณ์ (legend): ";
  for (const StatusStyle& s : kStyles) {
    out += "<span>" + Badge(s.status) + "</span> ";
  }
  return out + "</p>\n";
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
    const StatusStyle* s = FindStyle(item.status);
    return "<td class=\"s " + StatusClass(item.status) + "\" title=\"" +
           H(item.id + " " + StatusThai(item.status) + " (" + item.status +
             ")") + "\"><a href=\"" + H(SitePageName(site.id)) + "#" +
           H(ItemAnchor(item.id)) + "\">" + (s ? s->symbol : "·") +
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

std::string RunFacts(const Report& r) {
  return "<p>ชุดเกณฑ์ (rule set): " + H(r.ruleset) + " " + H(r.ruleset_version) +
         " · ปีงบประมาณ (fiscal year) <b>" + std::to_string(r.fiscal_year) +
         "</b> · ณ วันที่ (as of) " + H(r.as_of) + " · รอบ (run) #" +
         std::to_string(r.run_id) + " " + H(r.run_status) + " " +
         H(r.started_at) + " – " + H(r.finished_at) +
         (r.generated_at.empty() ? "" : " · สร้างเมื่อ (generated) " +
                                             H(r.generated_at)) + "</p>\n";
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
  if (scored > 0) {
    out += " · คะแนนเฉลี่ยคาดการณ์ (mean predicted score) <b>" +
           ScoreText(sum / scored) + "</b>";
  }
  return out + "</p>\n";
}

std::string IndexPage(const Report& r) {
  std::string body =
      "<h1>รายงานการตรวจการเปิดเผยข้อมูลสาธารณะ (OIT) <span class=\"note\">OIT "
      "disclosure report</span></h1>\n" +
      RunFacts(r) + WindowBox(r) + Summary(r) + Legend() + Matrix(r) +
      "<p class=\"note\">หน่วยงานที่ตรวจไม่ได้ไม่ถูกนับว่า \"ไม่พบ\" (items of "
      "unchecked sites are never counted as missing)</p>\n" +
      LevelExplanation();
  return Page("รายงาน OIT ปีงบประมาณ " + std::to_string(r.fiscal_year), body);
}

// ---------------------------------------------------------------- site page

std::string EvidenceRow(const EvidenceRef& e) {
  std::string year = e.fiscal_year > 0 ? std::to_string(e.fiscal_year) : "—";
  return "<tr><td>" + H(e.component_id) + "</td><td>" + UrlHtml(e.url) +
         "</td><td>" + UrlHtml(e.found_on) + "</td><td>" + H(e.text) +
         "</td><td>" + H(ThaiDate(e.date)) + "</td><td>" + year +
         "</td><td>" + H(e.date_source) + "</td><td>" + H(e.state) +
         "</td></tr>\n";
}

std::string EvidenceTable(const ItemReport& item) {
  if (item.evidence.empty()) return "";
  std::string out =
      "<table><tr><th>องค์ประกอบ (component)</th><th>หลักฐาน (evidence)</th>"
      "<th>พบที่หน้า (found on)</th><th>ข้อความ (text)</th><th>วันที่ (date)</th>"
      "<th>ปีงบ (FY)</th><th>ที่มาของวันที่ (date source)</th><th>สถานะ "
      "(state)</th></tr>\n";
  for (const EvidenceRef& e : item.evidence) out += EvidenceRow(e);
  return out + "</table>\n";
}

std::string MissingLists(const ItemReport& item) {
  std::string out;
  if (!item.missing_components.empty()) {
    out += "<p>องค์ประกอบที่ขาด (missing components): ";
    for (size_t i = 0; i < item.missing_components.size(); ++i) {
      out += (i ? " · " : "") + H(item.missing_components[i]);
    }
    out += "</p>\n";
  }
  if (!item.missing_months.empty()) {
    out += "<p>เดือนที่ขาด (missing months): ";
    for (size_t i = 0; i < item.missing_months.size(); ++i) {
      out += (i ? " · " : "") + H(ThaiDate(item.missing_months[i]));
    }
    out += "</p>\n";
  }
  return out;
}

std::string ItemSection(const ItemReport& item) {
  return "<div class=\"item\" id=\"" + H(ItemAnchor(item.id)) + "\"><h3>" +
         H(item.id) + " " + Badge(item.status) + " " + H(item.title) +
         "</h3>\n<p>" + H(item.reason) + "</p>\n" + MissingLists(item) +
         EvidenceTable(item) + "</div>\n";
}

const SiteReport* FindSite(const Report* r, const std::string& id) {
  if (r == nullptr) return nullptr;
  for (const SiteReport& site : r->sites) {
    if (site.id == id) return &site;
  }
  return nullptr;
}

std::string ChangeRows(const SiteReport& before, const SiteReport& now) {
  std::string rows;
  for (const ItemReport& item : now.items) {
    std::string was = "—";
    for (const ItemReport& old : before.items) {
      if (old.id == item.id) was = old.status;
    }
    if (was == item.status) continue;
    rows += "<tr><td><a href=\"#" + H(ItemAnchor(item.id)) + "\">" +
            H(item.id) + "</a></td><td>" + (was == "—" ? "—" : Badge(was)) +
            "</td><td>" + Badge(item.status) + "</td><td>" + H(item.reason) +
            "</td></tr>\n";
  }
  return rows;
}

std::string Changes(const SiteReport& site, const HtmlContext& context) {
  std::string out = "<h2>เปลี่ยนแปลงจากรอบก่อน (changes since the last run)</h2>\n";
  const SiteReport* before = FindSite(context.previous, site.id);
  if (before == nullptr) {
    return out + "<p>ไม่มีรอบก่อนหน้าที่ตรวจหน่วยงานนี้ให้เทียบ (no earlier "
                 "finished run of this site to compare with)</p>\n";
  }
  out += "<p>เทียบกับรอบ (compared with run) #" +
         std::to_string(context.previous->run_id) + " ณ วันที่ " +
         H(context.previous->as_of) + ": คะแนน (score) " +
         ScoreText(before->score) + " → " + ScoreText(site.score) + "</p>\n";
  std::string rows = ChangeRows(*before, site);
  if (rows.empty()) return out + "<p>สถานะทุกรายการเหมือนเดิม (no item changed)</p>\n";
  return out + "<table><tr><th>รายการ (item)</th><th>ก่อน (before)</th><th>"
               "ตอนนี้ (now)</th><th>เหตุผล (reason)</th></tr>\n" + rows +
         "</table>\n";
}

bool IsSkip(const PageRecord& p) {
  return p.outcome == "skipped" || p.outcome == "robots_disallowed";
}

bool IsError(const PageRecord& p) {
  return !IsSkip(p) && p.outcome != "ok" && p.outcome != "not_modified";
}

std::string CoverageTable(const std::vector<PageRecord>& pages,
                          bool (*keep)(const PageRecord&)) {
  std::string rows;
  size_t n = 0;
  for (const PageRecord& p : pages) {
    if (!keep(p) || n++ >= kMaxCoverageRows) continue;
    std::string status = p.http_status ? std::to_string(p.http_status) : "";
    rows += "<tr><td>" + UrlHtml(p.url) + "</td><td>" + H(p.kind) +
            "</td><td>" + H(p.outcome) + " " + status + "</td><td>" +
            H(p.error) + "</td><td>" + UrlHtml(p.found_on) + "</td></tr>\n";
  }
  if (n == 0) return "<p>ไม่มี (none)</p>\n";
  std::string more = n > kMaxCoverageRows
                         ? "<p class=\"note\">และอีก " +
                               std::to_string(n - kMaxCoverageRows) +
                               " รายการ (and more)</p>\n"
                         : "";
  return "<table><tr><th>URL</th><th>ชนิด (kind)</th><th>ผล (outcome)</th>"
         "<th>รายละเอียด (detail)</th><th>พบที่หน้า (found on)</th></tr>\n" +
         rows + "</table>\n" + more;
}

std::string Coverage(const SiteReport& site, const HtmlContext& context) {
  std::string out = "<h2>ขอบเขตการตรวจ (coverage)</h2>\n<p>หน้าเว็บ (pages) " +
                    std::to_string(site.pages) + " · เอกสาร (documents) " +
                    std::to_string(site.documents) + " · ผิดพลาด (errors) " +
                    std::to_string(site.errors) + " · ข้าม (skipped) " +
                    std::to_string(site.skipped) + "</p>\n";
  auto found = context.pages.find(site.id);
  if (found == context.pages.end()) return out;
  return out + "<h3>เปิดไม่ได้ (errors)</h3>\n" +
         CoverageTable(found->second, IsError) +
         "<h3>ไม่ได้ตรวจและเหตุผล (skipped, and why)</h3>\n" +
         CoverageTable(found->second, IsSkip);
}

std::string SiteHead(const Report& r, const SiteReport& site) {
  std::string out = "<p><a href=\"index.html\">← ภาพรวม (overview)</a></p>\n"
                    "<h1>" + H(site.name) + " <span class=\"note\">" +
                    H(site.name_en) + " [" + H(site.id) + "]</span></h1>\n<p>" +
                    UrlHtml(site.url) + "</p>\n" + RunFacts(r);
  if (site.state != "checked") {
    return out + "<div class=\"box\">" + Badge("unchecked") + " " +
           H(site.reason) + "<br>รายการของหน่วยงานนี้ไม่ถูกรายงานว่า \"ไม่พบ\" "
           "(items are NOT reported as missing)</div>\n";
  }
  out += "<table><tr><th>คะแนน OIT คาดการณ์ (predicted OIT score)</th><th>ระดับ"
         "ถ้า IIT/EIT เท่ากับ OIT</th><th>ระดับสูงสุดที่ยังเป็นไปได้</th></tr><tr>" +
         LevelCells(site) + "</tr></table>\n<p>";
  for (const std::string& status : ReportStatuses()) {
    out += Badge(status) + " " + std::to_string(site.count(status)) + " ";
  }
  out += "</p>\n";
  if (!site.reason.empty()) out += "<p>หมายเหตุ (notes): " + H(site.reason) + "</p>\n";
  return out;
}

std::string SitePage(const Report& r, const SiteReport& site,
                     const HtmlContext& context) {
  std::string body = SiteHead(r, site) + Changes(site, context) +
                     "<h2>รายการ (items)</h2>\n";
  for (const ItemReport& item : site.items) body += ItemSection(item);
  body += Coverage(site, context) + LevelExplanation();
  return Page(site.name + " — OIT " + std::to_string(r.fiscal_year), body);
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

bool WriteAtomically(const std::filesystem::path& path,
                     const std::string& content, std::string* err) {
  std::filesystem::path tmp = path;
  tmp += ".tmp" + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << content;
    out.flush();
    if (!out) {
      *err = tmp.string() + ": cannot write";
      std::filesystem::remove(tmp);
      return false;
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    *err = path.string() + ": " + ec.message();
    std::filesystem::remove(tmp, ec);
    return false;
  }
  return true;
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
    files.push_back({SitePageName(site.id), SitePage(report, site, context)});
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
    if (!WriteAtomically(std::filesystem::path(dir) / files[i].name,
                         files[i].html, err)) {
      return false;
    }
  }
  return true;
}

}  // namespace oitwatch
