#include "reports/sheet.h"

#include <cctype>
#include <set>
#include <string_view>
#include <vector>

#include "reports/escape.h"
#include "reports/render.h"

namespace oitwatch {
namespace {

bool HasThai(std::string_view s) {
  return s.find("\xE0\xB8") != std::string_view::npos ||
         s.find("\xE0\xB9") != std::string_view::npos;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// `note` without a trailing "(...)" that holds no Thai letters.
std::string_view DropGloss(std::string_view note) {
  note = Trim(note);
  if (note.empty() || note.back() != ')') return note;
  int depth = 0;
  for (size_t i = note.size(); i-- > 0;) {
    if (note[i] == ')') ++depth;
    if (note[i] != '(' || --depth != 0) continue;
    if (HasThai(note.substr(i))) return note;
    std::string_view head = Trim(note.substr(0, i));
    return head.empty() ? note : head;
  }
  return note;
}

bool IsHttpUrl(std::string_view url) {
  std::string head;
  for (char c : url.substr(0, 8)) {
    head.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return (head.rfind("http://", 0) == 0 && url.size() > 7) ||
         (head.rfind("https://", 0) == 0 && url.size() > 8);
}

void Row(const std::vector<std::string>& cells, std::string* out) {
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) out->push_back(',');
    out->append(CsvField(cells[i]));
  }
  out->append("\r\n");
}

// Distinct http(s) URLs of the evidence the pass rests on, one per line.
std::string PassUrls(const ItemReport& item) {
  std::set<std::string> seen;
  std::string out;
  for (const EvidenceRef& e : item.evidence) {
    if (e.state != "ok" || !IsHttpUrl(e.url) || !seen.insert(e.url).second) {
      continue;
    }
    out += (out.empty() ? "" : "\n") + e.url;
  }
  return out;
}

std::string PassExplanation(const Report& r, const ItemReport& item) {
  std::string out = "เผยแพร่ครบทุกองค์ประกอบ ปีงบประมาณ " +
                    std::to_string(r.fiscal_year);
  for (const EvidenceRef& e : item.evidence) {
    if (e.state == "ok" && IsHttpUrl(e.found_on)) {
      return out + " ลิงก์อยู่ที่หน้า " + e.found_on;
    }
  }
  return out;
}

std::vector<std::string> ItemRow(const Report& r, const ItemReport& item) {
  const std::string answer = SheetAnswer(item.status);
  if (item.status == "pass") {
    return {item.id, item.title, answer, PassUrls(item),
            PassExplanation(r, item)};
  }
  std::string why = ThaiPart(item.reason);
  if (item.status == "not_applicable") {
    why = "ไม่เกี่ยวข้องกับหน่วยงาน" + (why.empty() ? "" : ": " + why);
  } else if (item.status == "unchecked") {
    why = "ตรวจอัตโนมัติไม่ได้ ต้องตรวจด้วยตนเองก่อนส่ง" +
          (why.empty() ? "" : ": " + why);
  }
  return {item.id, item.title, answer, "", why};
}

void SiteBlock(const Report& r, const SiteReport& site, std::string* out) {
  Row({"หน่วยงาน (site)", site.name + " (" + site.id + ")",
       "ปีงบประมาณ " + std::to_string(r.fiscal_year), site.url,
       "ตรวจ ณ วันที่ " + r.as_of + " รอบ #" + std::to_string(r.run_id)},
      out);
  Row({"ข้อ (item)", "ชื่อรายการ (title)", "มี/ไม่มี", "URL",
       "คำอธิบาย (explanation)"},
      out);
  for (const ItemReport& item : site.items) Row(ItemRow(r, item), out);
}

}  // namespace

const char* SheetAnswer(const std::string& status) {
  if (status == "pass") return "มี";
  if (status == "unchecked") return "ตรวจไม่ได้";
  return "ไม่มี";
}

std::string ThaiPart(const std::string& reason) {
  std::string out;
  std::string_view rest = reason;
  while (!rest.empty()) {
    size_t cut = rest.find("; ");
    std::string_view note = rest.substr(0, cut);
    rest = cut == std::string_view::npos ? "" : rest.substr(cut + 2);
    std::string_view thai = DropGloss(note);
    if (thai.empty()) continue;
    if (!out.empty()) out += "; ";
    out.append(thai);
  }
  return out;
}

std::string RenderSheet(const Report& report) {
  std::string out = "\xEF\xBB\xBF";
  for (size_t i = 0; i < report.sites.size(); ++i) {
    if (i > 0) out.append("\r\n");
    SiteBlock(report, report.sites[i], &out);
  }
  return out;
}

}  // namespace oitwatch
