// PageRead: everything an HTML response says that needs no site state:
// the body decoded to UTF-8, parsed (Gumbo), its title, headings and text
// normalised, the rules matched and the dates read in each of them, its
// text lines and its links (normalised URL, the text that names them). The
// pipeline then applies it to the site (dedup keys, facts, outlinks,
// storage) on the engine's thread; a ParsePool reads a batch of bodies at
// the same time.
//
// Thread-safe: ReadHtml touches only its arguments (and const Matcher).
#ifndef OITWATCH_APP_PAGE_READ_H_
#define OITWATCH_APP_PAGE_READ_H_

#include <string>
#include <vector>

#include "crawler/fetch_result.h"
#include "rules/matcher.h"
#include "rules/site_chrome.h"
#include "rules/thai_date.h"
#include "storage/store.h"

namespace oitwatch {

// Page text beyond this many bytes is not scanned for dates.
inline constexpr size_t kPageTextForDates = 64u << 10;

// One field of a page (title, headings, text): normalised, with its matches
// and date mentions.
struct FieldRead {
  std::string text;                  // NormalizeThai
  std::vector<FieldMatch> matches;   // Matcher::Match(field, text), or
                                     // MatchWithExclusions (ExclusionNamesUrl)
  std::vector<DateMention> dates;    // FindDates (page text: the first 64 KiB)
  // Headings and page text: the key of each of `dates`' text line
  // (MentionLineKeys), to tell the site's chrome (rules/site_chrome.h).
  std::vector<LineKey> date_lines;
};

struct HtmlRead {
  std::string charset;      // the encoding the body was decoded from
  std::string parse_error;  // "HTML parse failed: ..."; then nothing below
  std::string title;        // as in the page (not normalised)
  bool needs_js = false;    // a start page (depth 0) that is a script shell
  // A start page that only sends visitors to another host: its <meta
  // refresh> target there, when its links (if any) all lead to that host
  // too and it has almost no text (a site that moved); "" otherwise.
  std::string moved_to;
  FieldRead title_field, headings, page_text;
  std::vector<std::string> lines;   // normalised, non-empty text lines
  // <a>, <area>, <iframe> targets (normalised, not the page itself) with the
  // text that names them (anchor text, or its row's for "ดาวน์โหลด"), then
  // the <meta refresh> target with "".
  std::vector<LinkRecord> links;
  // What of the page was not read, when its caps (DocumentLimits) dropped
  // links or text (DocumentCut::LosesContent), e.g. "1500 links past the
  // first 2000"; "" if it was read whole. Evidence may be in what was cut.
  std::string cut;
};

// Reads the HTML body of `r` (REQUIRES: an HTML page response that is not
// binary; the pipeline decides that).
HtmlRead ReadHtml(const FetchResult& r, const Matcher& matcher);

}  // namespace oitwatch

#endif  // OITWATCH_APP_PAGE_READ_H_
