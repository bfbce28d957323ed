// Placeholder pages (see placeholder_page.h): an empty page, a notice as the
// main content, an unfilled form of the document.
#include "rules/placeholder_page.h"

#include "rules/thai_date.h"

namespace oitwatch {
namespace {

constexpr std::string_view kEllipsis = "\xE2\x80\xA6";  // U+2026 "…"
// A blank to fill in: at least this many dots or underscores ("…" = 3).
constexpr size_t kBlankWeight = 5;

// Words after which a blank is the document's period, not a signature date.
constexpr std::string_view kPeriodWords[] = {"ประจำปี", "ปีงบประมาณ", "ปีงบ",
                                             "ประจำเดือน"};
constexpr std::string_view kEraWords[] = {"พ.ศ.", "พ.ศ"};

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string_view TrimRightSpaces(std::string_view s) {
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// The byte length of the blank run at line[i] ('.', '_', "…" and the
// spaces between them) and its weight; 0 if none starts there.
size_t BlankRun(std::string_view line, size_t i, size_t* weight) {
  size_t at = i;
  *weight = 0;
  while (at < line.size()) {
    if (line[at] == '.' || line[at] == '_') {
      ++*weight;
      ++at;
    } else if (line.compare(at, kEllipsis.size(), kEllipsis) == 0) {
      *weight += 3;
      at += kEllipsis.size();
    } else if (line[at] == ' ' && at > i) {
      ++at;
    } else {
      break;
    }
  }
  return at - i;
}

// True if the text before a blank ends with a period word ("ประจำปี",
// "ประจำปีพ.ศ.", "ประจำเดือน ").
bool PeriodBefore(std::string_view before) {
  before = TrimRightSpaces(before);
  for (std::string_view era : kEraWords) {
    if (EndsWith(before, era)) {
      before = TrimRightSpaces(before.substr(0, before.size() - era.size()));
      break;
    }
  }
  for (std::string_view word : kPeriodWords) {
    if (EndsWith(before, word)) return true;
  }
  return false;
}

// True if `line` names a year other than in a full day date.
bool NamesAYear(const std::string& line) {
  for (const DateMention& d : FindDates(line)) {
    if (d.year_be != 0 && d.day == 0) return true;
  }
  return false;
}

struct OwnText {
  std::vector<const std::string*> lines;  // not chrome
  size_t beyond_headings = 0;  // bytes of own lines not in the headings
  size_t beyond_notices = 0;   // the same, notices left out too
  bool notice = false;         // an own line is a notice
};

OwnText ReadOwnText(const std::vector<std::string>& lines,
                    const std::unordered_set<std::string>& chrome,
                    const std::string& normalized_headings,
                    const Matcher& matcher) {
  OwnText own;
  for (const std::string& line : lines) {
    if (chrome.count(line)) continue;
    own.lines.push_back(&line);
    // A notice may be a heading itself ("<h3>ยังไม่มีข้อมูล</h3>").
    const bool notice = matcher.IsNotice(line);
    own.notice = own.notice || notice;
    if (normalized_headings.find(line) != std::string::npos) continue;
    own.beyond_headings += line.size();
    if (!notice) own.beyond_notices += line.size();
  }
  return own;
}

bool BlankTemplate(const OwnText& own) {
  bool blank = false;
  for (const std::string* line : own.lines) {
    if (NamesAYear(*line)) return false;
    blank = blank || HasBlankPeriod(*line);
  }
  return blank;
}

}  // namespace

const char* PlaceholderKindName(PlaceholderKind kind) {
  switch (kind) {
    case PlaceholderKind::kNone:
      return "none";
    case PlaceholderKind::kEmpty:
      return "empty";
    case PlaceholderKind::kNotice:
      return "notice";
    case PlaceholderKind::kBlankTemplate:
      return "blank_template";
  }
  return "none";
}

PlaceholderKind ClassifyPlaceholder(
    const std::vector<std::string>& lines,
    const std::unordered_set<std::string>& chrome,
    const std::string& normalized_headings, const Matcher& matcher) {
  const OwnText own =
      ReadOwnText(lines, chrome, normalized_headings, matcher);
  if (own.beyond_headings < kEmptyPageBytes) return PlaceholderKind::kEmpty;
  if (own.notice && own.beyond_notices < kNoticeRestBytes) {
    return PlaceholderKind::kNotice;
  }
  if (BlankTemplate(own)) return PlaceholderKind::kBlankTemplate;
  return PlaceholderKind::kNone;
}

bool HasBlankPeriod(std::string_view line) {
  for (size_t i = 0; i < line.size();) {
    size_t weight = 0;
    const size_t run = BlankRun(line, i, &weight);
    if (run == 0) {
      ++i;
      continue;
    }
    if (weight >= kBlankWeight && PeriodBefore(line.substr(0, i))) return true;
    i += run;
  }
  return false;
}

}  // namespace oitwatch
