// The shared pieces of the HTML report's pages (see html_page.h).
#include "reports/html_page.h"

#include <cctype>
#include <cstdio>
#include <string_view>

#include "reports/escape.h"
#include "reports/html.h"
#include "reports/render.h"
#include "rules/thai_date.h"

namespace oitwatch {
namespace {

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

}  // namespace

std::string StatusClass(const std::string& status) {
  return FindStyle(status) ? "st-" + status : "st-unknown";
}

std::string StatusBadge(const std::string& status) {
  const StatusStyle* s = FindStyle(status);
  return "<span class=\"badge " + StatusClass(status) + "\">" +
         (s ? std::string(s->symbol) + " " : "") + H(StatusThai(status)) +
         " (" + H(s ? s->english : status) + ")</span>";
}

const char* StatusSymbol(const std::string& status) {
  const StatusStyle* s = FindStyle(status);
  return s ? s->symbol : "·";
}

std::string StatusLegend() {
  std::string out = "<p class=\"legend\">สัญลักษณ์ (legend): ";
  for (const StatusStyle& s : kStyles) {
    out += "<span>" + StatusBadge(s.status) + "</span> ";
  }
  return out + "</p>\n";
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
std::string ThaiDateLabel(const std::string& iso) {
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

std::string HtmlPage(const std::string& title, const std::string& body) {
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

std::string LevelCells(const SiteReport& site) {
  if (!site.score) {
    return "<td>—</td><td>ตรวจไม่ได้ (unchecked)</td><td>—</td>";
  }
  // The score counts unchecked items as not passed: say how many.
  const int unchecked = site.count("unchecked");
  const std::string n = std::to_string(unchecked);
  const std::string note =
      unchecked == 0 ? ""
                     : "<br><span class=\"note\">ตรวจไม่ได้ " + n +
                           " ข้อ นับเป็นไม่ผ่าน (" + n +
                           " not checked, counted as not passed)</span>";
  return "<td class=\"num\"><b>" + ScoreText(site.score) + "</b>" + note +
         "</td><td>" + LevelIfToolsEqual(*site.score) + "</td><td>" +
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

std::string RunFacts(const Report& r) {
  return "<p>ชุดเกณฑ์ (rule set): " + H(r.ruleset) + " " + H(r.ruleset_version) +
         " · ปีงบประมาณ (fiscal year) <b>" + std::to_string(r.fiscal_year) +
         "</b> · ณ วันที่ (as of) " + H(r.as_of) + " · รอบ (run) #" +
         std::to_string(r.run_id) + " " + H(r.run_status) + " " +
         H(r.started_at) + " – " + H(r.finished_at) +
         (r.generated_at.empty() ? "" : " · สร้างเมื่อ (generated) " +
                                             H(r.generated_at)) + "</p>\n";
}

}  // namespace oitwatch
