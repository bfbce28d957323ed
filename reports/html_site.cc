// One site's page of the HTML report (see html_site.h).
#include "reports/html_site.h"

#include <string_view>
#include <vector>

#include "reports/escape.h"
#include "reports/html_page.h"
#include "reports/render.h"

namespace oitwatch {
namespace {

constexpr size_t kMaxCoverageRows = 300;  // per table on a site page

std::string H(std::string_view s) { return HtmlEscape(s); }

std::string EvidenceRow(const EvidenceRef& e) {
  std::string year = e.fiscal_year > 0 ? std::to_string(e.fiscal_year) : "—";
  return "<tr><td>" + H(e.component_id) + "</td><td>" + UrlHtml(e.url) +
         "</td><td>" + UrlHtml(e.found_on) + "</td><td>" + H(e.text) +
         "</td><td>" + H(ThaiDateLabel(e.date)) + "</td><td>" + year +
         "</td><td>" + H(e.date_source) + "</td><td>" + H(e.state) +
         "</td></tr>\n";
}

std::string EvidenceTable(const std::vector<EvidenceRef>& evidence) {
  if (evidence.empty()) return "";
  std::string out =
      "<table><tr><th>องค์ประกอบ (component)</th><th>หลักฐาน (evidence)</th>"
      "<th>พบที่หน้า (found on)</th><th>ข้อความ (text)</th><th>วันที่ (date)</th>"
      "<th>ปีงบ (FY)</th><th>ที่มาของวันที่ (date source)</th><th>สถานะ "
      "(state)</th></tr>\n";
  for (const EvidenceRef& e : evidence) out += EvidenceRow(e);
  return out + "</table>\n";
}

// An unchecked item's last judged state, its evidence then and its age.
std::string LastKnownBlock(const ItemReport& item) {
  if (!item.last_known) return "";
  const LastKnown& known = *item.last_known;
  std::string out = "<div class=\"box\">ครั้งล่าสุดที่ตรวจได้ (last known) " +
                    H(ThaiDateLabel(known.checked_at.substr(0, 10))) +
                    " รอบ (run) #" + std::to_string(known.run_id) + ": " +
                    StatusBadge(known.status);
  if (!known.captured_at.empty()) {
    out += " · เก็บหลักฐานเมื่อ (evidence captured) " +
           H(ThaiDateLabel(known.captured_at.substr(0, 10)));
  }
  return out + "</div>\n" + EvidenceTable(known.evidence);
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
      out += (i ? " · " : "") + H(ThaiDateLabel(item.missing_months[i]));
    }
    out += "</p>\n";
  }
  return out;
}

std::string ItemSection(const ItemReport& item) {
  return "<div class=\"item\" id=\"" + H(ItemAnchor(item.id)) + "\"><h3>" +
         H(item.id) + " " + StatusBadge(item.status) + " " + H(item.title) +
         "</h3>\n<p>" + H(item.reason) + "</p>\n" + MissingLists(item) +
         EvidenceTable(item.evidence) + LastKnownBlock(item) + "</div>\n";
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
            H(item.id) + "</a></td><td>" + (was == "—" ? "—" : StatusBadge(was)) +
            "</td><td>" + StatusBadge(item.status) + "</td><td>" + H(item.reason) +
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

// "<br>last checked ...: n of m items passed then" of an unchecked site.
std::string LastCheckedLine(const SiteReport& site) {
  if (!site.last_checked) return "";
  const LastChecked& last = *site.last_checked;
  return "<br>ตรวจได้ครั้งล่าสุดเมื่อ (last checked) " +
         H(ThaiDateLabel(last.finished_at.substr(0, 10))) + " รอบ (run) #" +
         std::to_string(last.run_id) + ": ผ่าน (passed) " +
         std::to_string(last.passed) + " จาก (of) " + std::to_string(last.items) +
         " รายการ · คะแนนตอนนั้น (score then) " + ScoreText(last.score);
}

std::string SiteHead(const Report& r, const SiteReport& site) {
  std::string out = "<p><a href=\"index.html\">← ภาพรวม (overview)</a></p>\n"
                    "<h1>" + H(site.name) + " <span class=\"note\">" +
                    H(site.name_en) + " [" + H(site.id) + "]</span></h1>\n<p>" +
                    UrlHtml(site.url) + "</p>\n" + RunFacts(r);
  if (site.state != "checked") {
    return out + "<div class=\"box\">" + StatusBadge("unchecked") + " " +
           H(site.reason) + "<br>รายการของหน่วยงานนี้ไม่ถูกรายงานว่า \"ไม่พบ\" "
           "(items are NOT reported as missing)" + LastCheckedLine(site) +
           "</div>\n";
  }
  out += "<table><tr><th>คะแนน OIT คาดการณ์ (predicted OIT score)</th><th>ระดับ"
         "ถ้า IIT/EIT เท่ากับ OIT</th><th>ระดับสูงสุดที่ยังเป็นไปได้</th></tr><tr>" +
         LevelCells(site) + "</tr></table>\n<p>";
  for (const std::string& status : ReportStatuses()) {
    out += StatusBadge(status) + " " + std::to_string(site.count(status)) + " ";
  }
  out += "</p>\n";
  if (!site.reason.empty()) out += "<p>หมายเหตุ (notes): " + H(site.reason) + "</p>\n";
  return out;
}

}  // namespace

std::string RenderSitePage(const Report& r, const SiteReport& site,
                           const HtmlContext& context) {
  std::string body = SiteHead(r, site) + Changes(site, context) +
                     "<h2>รายการ (items)</h2>\n";
  for (const ItemReport& item : site.items) body += ItemSection(item);
  body += Coverage(site, context) + LevelExplanation();
  return HtmlPage(site.name + " — OIT " + std::to_string(r.fiscal_year), body);
}

}  // namespace oitwatch
