// Placeholder pages (see placeholder_page.h): an empty page, a notice or an
// "under construction" as the main content, an unfilled form of the
// document.
#include "rules/placeholder_page.h"

#include <string.h>  // memmem

#include <algorithm>

#include "rules/thai_date.h"
#include "rules/thai_text.h"

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

// True if a full day date is named in `line` (a dated news item).
bool NamesADay(const std::string& line) {
  for (const DateMention& d : FindDates(line)) {
    if (d.day != 0 && d.month != 0) return true;
  }
  return false;
}

struct OwnText {
  std::vector<const std::string*> lines;  // not chrome
  std::vector<const std::string*> rest;   // of them, not in the headings,
                                          // longest first
  size_t beyond_headings = 0;  // bytes of `rest`
  const std::vector<std::string_view>* link_texts = nullptr;
  // The longest of *link_texts: NormalizeThai never lengthens a text, so a
  // longer line is no link's (a page's longest lines, its own content,
  // are told so without normalising its links).
  size_t longest_link_text = 0;
  std::unordered_set<std::string> links;  // NormalizeThai(*link_texts)
  bool links_read = false;                // `links` is filled (on demand)

  // True if `line` is, in full, the text of one of the page's links and
  // names no day: related links, not the page's own content (a dated news
  // item is content of a news list).
  bool IsPlainLink(const std::string& line) {
    if (line.size() > longest_link_text) return false;
    if (!links_read) {
      for (std::string_view text : *link_texts) {
        links.insert(NormalizeThai(text));
      }
      links_read = true;
    }
    return links.count(line) && !NamesADay(line);
  }
};

OwnText ReadOwnText(const std::vector<std::string>& lines,
                    const std::unordered_set<std::string>& chrome,
                    const std::string& normalized_headings,
                    const std::vector<std::string_view>& link_texts) {
  OwnText own;
  own.link_texts = &link_texts;
  for (std::string_view text : link_texts) {
    own.longest_link_text = std::max(own.longest_link_text, text.size());
  }
  for (const std::string& line : lines) {
    if (chrome.count(line)) continue;
    own.lines.push_back(&line);
    // memmem, not find: find tries each E0 byte of Thai headings in turn.
    if (memmem(normalized_headings.data(), normalized_headings.size(),
               line.data(), line.size()) != nullptr) {
      continue;
    }
    own.rest.push_back(&line);
    own.beyond_headings += line.size();
  }
  std::sort(own.rest.begin(), own.rest.end(),
            [](const std::string* a, const std::string* b) {
              return a->size() > b->size();
            });
  return own;
}

// True if an own line says `says` (a heading may: "<h3>ยังไม่มีข้อมูล</h3>")
// and the own text beyond the headings, such lines and plain links is under
// kNoticeRestBytes. The longest lines are tried first and the count stops
// at kNoticeRestBytes, so a page of real content costs one or two matches,
// not one per line.
template <typename Says>
bool MainContentSays(OwnText& own, Says says) {
  size_t beyond = 0;
  for (const std::string* line : own.rest) {
    if (says(*line) || own.IsPlainLink(*line)) continue;
    beyond += line->size();
    if (beyond >= kNoticeRestBytes) return false;
  }
  for (const std::string* line : own.lines) {
    if (says(*line)) return true;
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
    case PlaceholderKind::kUnderConstruction:
      return "under_construction";
    case PlaceholderKind::kBlankTemplate:
      return "blank_template";
  }
  return "none";
}

PlaceholderKind ClassifyPlaceholder(
    const std::vector<std::string>& lines,
    const std::unordered_set<std::string>& chrome,
    const std::string& normalized_headings,
    const std::vector<std::string_view>& link_texts, const Matcher& matcher) {
  OwnText own = ReadOwnText(lines, chrome, normalized_headings, link_texts);
  if (own.beyond_headings < kEmptyPageBytes) return PlaceholderKind::kEmpty;
  if (MainContentSays(own, [&matcher](const std::string& line) {
        return matcher.IsNotice(line);
      })) {
    return PlaceholderKind::kNotice;
  }
  if (MainContentSays(own, [&matcher](const std::string& line) {
        return matcher.IsPlaceholder(line);
      })) {
    return PlaceholderKind::kUnderConstruction;
  }
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
