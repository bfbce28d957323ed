#include "reports/render.h"

#include <cstdio>
#include <optional>
#include <string_view>
#include <utility>

#include "reports/escape.h"
#include "reports/sheet.h"

namespace oitwatch {
namespace {

// ---------------------------------------------------------------- shared

std::string Join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out.append(sep);
    out.append(parts[i]);
  }
  return out;
}

// A score with at most two decimals and no trailing zeros: "72.73", "100".
std::string FormatScore(double score) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.2f", score);
  std::string out = buf;
  while (out.back() == '0') out.pop_back();
  if (out.back() == '.') out.pop_back();
  return out;
}

const EvidenceRef* BestEvidence(const ItemReport& item) {
  return item.evidence.empty() ? nullptr : &item.evidence.front();
}

// ---------------------------------------------------------------- JSON

using JsonMember = std::pair<const char*, std::string>;  // key, JSON value

std::string Pad(int depth) { return std::string(2 * depth, ' '); }

// `open` + one value per line at depth + 1 + `close`; "[]"/"{}" when empty.
std::string JsonBlock(char open, const std::vector<std::string>& lines,
                      char close, int depth) {
  std::string out(1, open);
  if (lines.empty()) return out + close;
  out.push_back('\n');
  for (size_t i = 0; i < lines.size(); ++i) {
    out += Pad(depth + 1) + lines[i];
    out += i + 1 < lines.size() ? ",\n" : "\n";
  }
  return out + Pad(depth) + close;
}

std::string JsonObject(const std::vector<JsonMember>& members, int depth) {
  std::vector<std::string> lines;
  for (const auto& [key, value] : members) {
    lines.push_back(JsonString(key) + ": " + value);
  }
  return JsonBlock('{', lines, '}', depth);
}

// A list of strings on one line: ["a", "b"].
std::string JsonStrings(const std::vector<std::string>& values) {
  std::vector<std::string> quoted;
  for (const std::string& v : values) quoted.push_back(JsonString(v));
  return "[" + Join(quoted, ", ") + "]";
}

std::string JsonInt(int64_t n) { return std::to_string(n); }

std::string JsonYear(int year) { return year > 0 ? JsonInt(year) : "null"; }

std::string JsonScore(const std::optional<double>& score) {
  return score ? FormatScore(*score) : "null";
}

std::string JsonEvidence(const EvidenceRef& e, int depth) {
  return JsonObject({{"component", JsonString(e.component_id)},
                     {"url", JsonString(e.url)},
                     {"found_on", JsonString(e.found_on)},
                     {"text", JsonString(e.text)},
                     {"field", JsonString(e.field)},
                     {"date", JsonString(e.date)},
                     {"fiscal_year", JsonYear(e.fiscal_year)},
                     {"date_source", JsonString(e.date_source)},
                     {"state", JsonString(e.state)}},
                    depth);
}

std::string JsonEvidenceList(const std::vector<EvidenceRef>& list,
                             int depth) {
  std::vector<std::string> evidence;
  for (const EvidenceRef& e : list) {
    evidence.push_back(JsonEvidence(e, depth + 1));
  }
  return JsonBlock('[', evidence, ']', depth);
}

// {"run_id", "checked_at", "status", "evidence", "captured_at"} of an
// unchecked item.
std::string JsonLastKnown(const LastKnown& known, int depth) {
  return JsonObject({{"run_id", JsonInt(known.run_id)},
                     {"checked_at", JsonString(known.checked_at)},
                     {"status", JsonString(known.status)},
                     {"evidence", JsonEvidenceList(known.evidence, depth + 1)},
                     {"captured_at", JsonString(known.captured_at)}},
                    depth);
}

std::string JsonItem(const ItemReport& item, int depth) {
  std::vector<JsonMember> members = {
      {"id", JsonString(item.id)},
      {"title", JsonString(item.title)},
      {"status", JsonString(item.status)},
      {"reason", JsonString(item.reason)},
      {"missing_components", JsonStrings(item.missing_components)},
      {"missing_months", JsonStrings(item.missing_months)},
      {"evidence", JsonEvidenceList(item.evidence, depth + 1)}};
  if (item.last_known) {
    members.emplace_back("last_known",
                         JsonLastKnown(*item.last_known, depth + 1));
  }
  return JsonObject(members, depth);
}

// {"run_id", "finished_at", "score"} of an unchecked site's last check.
std::string JsonLastChecked(const LastChecked& last, int depth) {
  return JsonObject({{"run_id", JsonInt(last.run_id)},
                     {"finished_at", JsonString(last.finished_at)},
                     {"score", JsonScore(last.score)},
                     {"passed", JsonInt(last.passed)},
                     {"items", JsonInt(last.items)}},
                    depth);
}

std::string JsonCounts(const SiteReport& site, int depth) {
  std::vector<JsonMember> counts;
  for (const std::string& status : ReportStatuses()) {
    counts.emplace_back(status.c_str(), JsonInt(site.count(status)));
  }
  return JsonObject(counts, depth);
}

std::string JsonSite(const SiteReport& site, int depth) {
  std::vector<std::string> items;
  for (const ItemReport& item : site.items) {
    items.push_back(JsonItem(item, depth + 2));
  }
  std::vector<JsonMember> members = {
      {"id", JsonString(site.id)},
      {"name", JsonString(site.name)},
      {"name_en", JsonString(site.name_en)},
      {"url", JsonString(site.url)},
      {"state", JsonString(site.state)},
      {"reason", JsonString(site.reason)},
      {"score", JsonScore(site.score)},
      {"unchecked_items", JsonInt(site.count("unchecked"))},
      {"pages", JsonInt(site.pages)},
      {"documents", JsonInt(site.documents)},
      {"errors", JsonInt(site.errors)},
      {"skipped", JsonInt(site.skipped)},
      {"counts", JsonCounts(site, depth + 1)}};
  if (site.last_checked) {
    members.emplace_back("last_checked",
                         JsonLastChecked(*site.last_checked, depth + 1));
  }
  members.emplace_back("items", JsonBlock('[', items, ']', depth + 1));
  return JsonObject(members, depth);
}

// ---------------------------------------------------------------- text

std::string Safe(std::string_view s) { return TerminalSafe(s); }

std::string StatusLabel(const std::string& status) {
  return Safe(StatusThai(status)) + " (" + Safe(status) + ")";
}

// "ผ่าน pass 8 · ไม่ครบ partial 1 · ..." for all six statuses.
std::string CountsLine(const std::vector<const SiteReport*>& sites) {
  std::vector<std::string> parts;
  for (const std::string& status : ReportStatuses()) {
    int n = 0;
    for (const SiteReport* site : sites) n += site->count(status);
    parts.push_back(std::string(StatusThai(status)) + " " + status + " " +
                    std::to_string(n));
  }
  return Join(parts, " · ");
}

void TextHeader(const Report& r, std::string* out) {
  *out += "รายงานการตรวจ OIT (OIT compliance report)\n";
  *out += "ชุดเกณฑ์ (rule set): " + Safe(r.ruleset) + " " +
          Safe(r.ruleset_version) + "\n";
  *out += "ปีงบประมาณ (fiscal year): " + std::to_string(r.fiscal_year) +
          "   ณ วันที่ (as of): " + Safe(r.as_of) + "\n";
  *out += "รอบการตรวจ (run): #" + std::to_string(r.run_id) + " " +
          Safe(r.run_status) + "  " + Safe(r.started_at) + " - " +
          Safe(r.finished_at) + "\n";
  if (!r.generated_at.empty()) {
    *out += "สร้างรายงานเมื่อ (generated): " + Safe(r.generated_at) + "\n";
  }
}

// "ครั้งล่าสุดที่ตรวจได้ (last known) 2025-04-09, run #3: <status> · <url>
// [captured 2025-03-02]": an unchecked item's last judged state and its age.
std::string LastKnownText(const LastKnown& known) {
  std::string out = "ครั้งล่าสุดที่ตรวจได้ (last known) " +
                    Safe(known.checked_at.substr(0, 10)) + " รอบ (run) #" +
                    std::to_string(known.run_id) + ": " +
                    StatusLabel(known.status);
  if (!known.evidence.empty()) {
    out += " · " + Safe(known.evidence[0].url);
    if (!known.captured_at.empty()) {
      out += " [เก็บเมื่อ captured " + Safe(known.captured_at.substr(0, 10)) +
             "]";
    }
  }
  return out;
}

void TextItem(const ItemReport& item, std::string* out) {
  std::string id = Safe(item.id);
  if (id.size() < 4) id.resize(4, ' ');
  *out += "   " + id + " " + StatusLabel(item.status) + "  " +
          Safe(item.title) + "\n";
  const std::string indent = "          ";
  if (!item.reason.empty()) *out += indent + Safe(item.reason) + "\n";
  if (!item.missing_components.empty()) {
    *out += indent + "องค์ประกอบที่ขาด (missing): " +
            Safe(Join(item.missing_components, " | ")) + "\n";
  }
  if (!item.missing_months.empty()) {
    *out += indent + "เดือนที่ขาด (missing months): " +
            Safe(Join(item.missing_months, ", ")) + "\n";
  }
  if (const EvidenceRef* e = BestEvidence(item)) {
    std::string when = e->date.empty() ? "" : "  [" + Safe(e->date) + "]";
    *out += indent + "หลักฐาน (evidence): " + Safe(e->url) + when + "\n";
  }
  if (item.last_known) *out += indent + LastKnownText(*item.last_known) + "\n";
}

void TextSiteHead(const SiteReport& site, std::string* out) {
  *out += "\n== " + Safe(site.name);
  if (!site.name_en.empty()) *out += " (" + Safe(site.name_en) + ")";
  *out += " [" + Safe(site.id) + "]\n";
  *out += "   เว็บไซต์ (URL): " + Safe(site.url) + "\n";
}

void TextUncheckedSite(const SiteReport& site, std::string* out) {
  *out += "   ตรวจไม่ได้ (unchecked): " + Safe(site.reason) + "\n";
  *out +=
      "   รายการของหน่วยงานนี้ไม่ถูกรายงานว่า \"ไม่พบ\" "
      "(items are NOT reported as missing)\n";
  if (const std::optional<LastChecked>& last = site.last_checked) {
    std::string when = Safe(last->finished_at.substr(0, 10));
    std::string n = std::to_string(last->passed);
    *out += "   ตรวจได้ครั้งล่าสุดเมื่อ " + when + " (รอบ #" +
            std::to_string(last->run_id) + "): ผ่าน " + n + " จาก " +
            std::to_string(last->items) + " รายการในครั้งนั้น (last checked " +
            when + ": " + n + " items passed then)\n";
  }
  for (const ItemReport& item : site.items) {
    if (!item.last_known) continue;
    std::string id = Safe(item.id);
    if (id.size() < 4) id.resize(4, ' ');
    *out += "   " + id + " " + LastKnownText(*item.last_known) + "\n";
  }
}

// " · ตรวจไม่ได้ 3 รายการ นับเป็นไม่ผ่าน (3 items not checked, counted as not
// passed)" beside a score that counts unchecked items as failures; "" if
// every item was judged.
std::string UncheckedNote(const SiteReport& site) {
  const int n = site.count("unchecked");
  if (n == 0) return "";
  const std::string count = std::to_string(n);
  return " · ตรวจไม่ได้ " + count + " รายการ นับเป็นไม่ผ่าน (" + count +
         (n == 1 ? " item" : " items") +
         " not checked, counted as not passed)";
}

void TextCheckedSite(const SiteReport& site, std::string* out) {
  *out += "   สถานะ (state): ตรวจแล้ว (checked)\n";
  std::string score = site.score ? FormatScore(*site.score) + " / 100" : "-";
  *out += "   คะแนน OIT คาดการณ์ (predicted OIT score): " + score +
          UncheckedNote(site) + "\n";
  *out += "   ผลรายการ (items): " + CountsLine({&site}) + "\n";
  *out += "   การเก็บข้อมูล (crawl): หน้าเว็บ pages " + std::to_string(site.pages) +
          " · เอกสาร documents " + std::to_string(site.documents) +
          " · ผิดพลาด errors " + std::to_string(site.errors) +
          " · ข้าม skipped " + std::to_string(site.skipped) + "\n";
  if (!site.reason.empty()) {
    *out += "   หมายเหตุ (notes): " + Safe(site.reason) + "\n";
  }
  for (const ItemReport& item : site.items) TextItem(item, out);
}

void TextSummary(const Report& r, std::string* out) {
  std::vector<const SiteReport*> sites;
  int checked = 0, scored = 0, unchecked_items = 0;
  double score_sum = 0;
  for (const SiteReport& site : r.sites) {
    sites.push_back(&site);
    if (site.state == "checked") {
      ++checked;
      unchecked_items += site.count("unchecked");
    }
    if (!site.score) continue;
    score_sum += *site.score;
    ++scored;
  }
  int unchecked = static_cast<int>(r.sites.size()) - checked;
  *out += "\n== สรุป (summary)\n";
  *out += "หน่วยงาน (sites): " + std::to_string(r.sites.size()) +
          " · ตรวจแล้ว checked " + std::to_string(checked) +
          " · ตรวจไม่ได้ unchecked " + std::to_string(unchecked) + "\n";
  *out += "รายการ (items): " + CountsLine(sites) + "\n";
  if (unchecked_items > 0) {
    *out += "รายการที่ตรวจไม่ได้ในหน่วยงานที่ตรวจแล้ว (items not checked on "
            "checked sites): " + std::to_string(unchecked_items) + "\n";
  }
  if (scored > 0) {
    // Sites without a score (null) are left out, never averaged in as 0.
    const int left_out = static_cast<int>(r.sites.size()) - scored;
    *out += "คะแนนเฉลี่ยคาดการณ์ (mean predicted score of checked sites): " +
            FormatScore(score_sum / scored) + " (" + std::to_string(scored) +
            (scored == 1 ? " site" : " sites") + " with a score" +
            (left_out > 0 ? "; " + std::to_string(left_out) +
                                " without a score left out"
                          : "") +
            ")\n";
  }
}

// ---------------------------------------------------------------- CSV

void CsvRow(const std::vector<std::string>& cells, std::string* out) {
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) out->push_back(',');
    out->append(CsvField(cells[i]));
  }
  out->append("\r\n");
}

std::vector<std::string> CsvCells(const Report& r, const SiteReport& site,
                                  const ItemReport& item) {
  const EvidenceRef* e = BestEvidence(item);
  std::string year =
      e && e->fiscal_year > 0 ? std::to_string(e->fiscal_year) : "";
  return {std::to_string(r.run_id),
          std::to_string(r.fiscal_year),
          site.id,
          site.name,
          site.state,
          item.id,
          item.title,
          item.status,
          item.reason.empty() && item.id.empty() ? site.reason : item.reason,
          Join(item.missing_components, " | "),
          Join(item.missing_months, " | "),
          e ? e->url : "",
          e ? e->found_on : "",
          e ? e->date : "",
          year};
}

}  // namespace

std::string RenderJson(const Report& r) {
  std::vector<std::string> sites;
  for (const SiteReport& site : r.sites) sites.push_back(JsonSite(site, 2));
  std::vector<JsonMember> members = {
      {"ruleset", JsonString(r.ruleset)},
      {"ruleset_version", JsonString(r.ruleset_version)},
      {"fiscal_year", JsonInt(r.fiscal_year)},
      {"as_of", JsonString(r.as_of)},
      {"run_id", JsonInt(r.run_id)},
      {"run_status", JsonString(r.run_status)},
      {"started_at", JsonString(r.started_at)},
      {"finished_at", JsonString(r.finished_at)}};
  if (!r.generated_at.empty()) {
    members.emplace_back("generated_at", JsonString(r.generated_at));
  }
  members.emplace_back("sites", JsonBlock('[', sites, ']', 1));
  return JsonObject(members, 0) + "\n";
}

std::string RenderText(const Report& r) {
  std::string out;
  TextHeader(r, &out);
  for (const SiteReport& site : r.sites) {
    TextSiteHead(site, &out);
    if (site.state == "checked") {
      TextCheckedSite(site, &out);
    } else {
      TextUncheckedSite(site, &out);
    }
  }
  TextSummary(r, &out);
  return out;
}

std::string RenderCsv(const Report& r) {
  std::string out = "\xEF\xBB\xBF";
  CsvRow({"run_id", "fiscal_year", "site_id", "site_name", "site_state",
          "item_id", "item_title", "status", "reason", "missing_components",
          "missing_months", "evidence_url", "evidence_found_on",
          "evidence_date", "evidence_fiscal_year"},
         &out);
  for (const SiteReport& site : r.sites) {
    if (site.items.empty()) {
      ItemReport none;
      none.status = site.state == "checked" ? "" : "unchecked";
      CsvRow(CsvCells(r, site, none), &out);
    }
    for (const ItemReport& item : site.items) {
      CsvRow(CsvCells(r, site, item), &out);
    }
  }
  return out;
}

const char* StatusThai(const std::string& status) {
  static const std::pair<const char*, const char*> kLabels[] = {
      {"pass", "ผ่าน"},     {"partial", "ไม่ครบ"}, {"stale", "ไม่เป็นปัจจุบัน"},
      {"missing", "ไม่พบ"}, {"broken", "ลิงก์เสีย"}, {"unchecked", "ตรวจไม่ได้"},
      {"not_applicable", "ไม่เกี่ยวข้อง"}};
  for (const auto& [name, thai] : kLabels) {
    if (status == name) return thai;
  }
  return status.c_str();
}

const std::vector<Renderer>& Renderers() {
  static const std::vector<Renderer> kRenderers = {
      {"text", "terminal report, Thai first", &RenderText},
      {"json", "JSON for other tools (one object per run)", &RenderJson},
      {"csv", "CSV, one row per site x item (UTF-8 BOM, CRLF)", &RenderCsv},
      {"sheet", "OIT submission sheet per site: item, มี/ไม่มี, URL, Thai explanation (CSV)",
       &RenderSheet},
  };
  return kRenderers;
}

const Renderer* FindRenderer(const std::string& name) {
  for (const Renderer& renderer : Renderers()) {
    if (name == renderer.name) return &renderer;
  }
  return nullptr;
}

}  // namespace oitwatch
