// Placeholder pages (see placeholder_page.h): an empty page, a notice as the
// main content, an unfilled form of the document.
#include "rules/placeholder_page.h"

#include <algorithm>

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
  std::vector<const std::string*> rest;   // of them, not in the headings
  size_t beyond_headings = 0;  // bytes of `rest`
};

OwnText ReadOwnText(const std::vector<std::string>& lines,
                    const std::unordered_set<std::string>& chrome,
                    const std::string& normalized_headings) {
  OwnText own;
  for (const std::string& line : lines) {
    if (chrome.count(line)) continue;
    own.lines.push_back(&line);
    if (normalized_headings.find(line) != std::string::npos) continue;
    own.rest.push_back(&line);
    own.beyond_headings += line.size();
  }
  return own;
}

// True if an own line is a notice (a heading may be one: "<h3>ยังไม่มีข้อมูล
// </h3>") and the own text beyond the headings and the notices is under
// kNoticeRestBytes. The longest lines are tried first and the count stops
// at kNoticeRestBytes, so a page of real content costs one or two matches,
// not one per line.
bool NoticePage(OwnText own, const Matcher& matcher) {
  std::sort(own.rest.begin(), own.rest.end(),
            [](const std::string* a, const std::string* b) {
              return a->size() > b->size();
            });
  size_t beyond_notices = 0;
  for (const std::string* line : own.rest) {
    if (matcher.IsNotice(*line)) continue;
    beyond_notices += line->size();
    if (beyond_notices >= kNoticeRestBytes) return false;
  }
  for (const std::string* line : own.lines) {
    if (matcher.IsNotice(*line)) return true;
  }
  return false;
}

// A blank period and no year: the years are looked for (FindDates) only on
// the rare page with a blank.
bool BlankTemplate(const OwnText& own) {
  bool blank = false;
  for (const std::string* line : own.lines) {
    blank = blank || HasBlankPeriod(*line);
  }
  if (!blank) return false;
  for (const std::string* line : own.lines) {
    if (NamesAYear(*line)) return false;
  }
  return true;
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
  const OwnText own = ReadOwnText(lines, chrome, normalized_headings);
  if (own.beyond_headings < kEmptyPageBytes) return PlaceholderKind::kEmpty;
  if (NoticePage(own, matcher)) return PlaceholderKind::kNotice;
  if (BlankTemplate(own)) return PlaceholderKind::kBlankTemplate;
  return PlaceholderKind::kNone;
}

bool HasBlankPeriod(std::string_view line) {
  for (size_t i = 0; i < line.size();) {
    // A blank starts with '.', '_' or "…" (its first byte E2).
    const char c = line[i];
    if (c != '.' && c != '_' && c != '\xE2') {
      ++i;
      continue;
    }
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
