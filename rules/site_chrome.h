// SiteChrome: the text lines a site prints around every page (a header
// with today's date "วันอาทิตย์ที่ 22 พฤศจิกายน 2569", a footer "ปรับปรุงล่าสุด
// 15 มีนาคม 2568", a sidebar of the latest news), told apart so that a date
// read in one of them never dates a page: it is the site's date, not the
// page's, and an old page would pass by it (rules/dating.h, "page_chrome").
//
// A line of a page is chrome when the site's start page has the same line
// (read this run). Only the start page says so, because it is read before
// any other page: a count of the pages that had a line so far (to catch a
// layout of the inner pages only, or a header whose date turned over at
// midnight) made a page's date depend on the order the pages came in, and
// verdicts flipped between runs of the same site (a "related" list with
// years on some pages). The start page itself has no chrome: nothing is
// known before it. Only lines that hold a date are remembered, by a 64-bit key,
// so a site costs a few bytes per dated line. A list whose items the start
// page shows in the very same lines is dated by its other items: a false
// pass is the worse error. Not known when the start page was re-used
// unchanged (not read): a page changed since is then read without chrome
// (a page not changed keeps the dates it was stored with).
//
// Not thread-safe: one per site, used in the order the pages are read.
// KeyOfLine and MentionLineKeys are pure and thread-safe.
#ifndef OITWATCH_RULES_SITE_CHROME_H_
#define OITWATCH_RULES_SITE_CHROME_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "rules/thai_date.h"

namespace oitwatch {

// The key of a normalised text line; never 0 (0 = "in no one line").
using LineKey = uint64_t;
LineKey KeyOfLine(std::string_view line);

// The key of the line each of `mentions` lies in: `lines` and `joined` as
// NormalizeThaiLines gives them, `mentions` FindDates of `joined` or of a
// prefix of it. 0 for a mention that spans two lines, and for every one
// from where `joined` stops being `lines` put together (NormalizeThaiLines
// normalised the whole text again): no such date is taken for chrome.
std::vector<LineKey> MentionLineKeys(const std::vector<std::string>& lines,
                                     std::string_view joined,
                                     const std::vector<DateMention>& mentions);

class SiteChrome {
 public:
  // True if the line of `key` is chrome: the start page has it. False for
  // key 0.
  bool IsChrome(LineKey key) const;

  // Notes the keys of a page's dated lines (MentionLineKeys of its text),
  // after IsChrome was asked about them: the start page's are chrome on
  // every later page; another page's change nothing.
  void AddPage(const std::vector<LineKey>& keys, bool start_page);

 private:
  std::unordered_set<LineKey> start_;
};

// Moves the mentions of `*mentions` whose line (`keys`, MentionLineKeys of
// them) is chrome (SiteChrome::IsChrome) to `*chrome`, keeping the order of
// both. A mention without a key is kept.
void TakeChromeMentions(const SiteChrome& site,
                        const std::vector<LineKey>& keys,
                        std::vector<DateMention>* mentions,
                        std::vector<DateMention>* chrome);

}  // namespace oitwatch

#endif  // OITWATCH_RULES_SITE_CHROME_H_
