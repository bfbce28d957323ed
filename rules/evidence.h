// The judge's vocabulary: what the pipeline learns about a site while it is
// crawled (facts about each URL, pattern hits, dates) and the verdict per item
// that comes out. Plain values; thread-compatible.
#ifndef OITWATCH_RULES_EVIDENCE_H_
#define OITWATCH_RULES_EVIDENCE_H_

#include <string>
#include <vector>

#include "rules/rule_set.h"

namespace oitwatch {

// Words the tool uses for an item's state (../shared/domain/README.md).
enum class ItemStatus {
  kPass,       // every component found, current, reachable
  kPartial,    // some components (or months) missing
  kStale,      // found, but of an older fiscal year, or no year found
  kMissing,    // nothing found
  kBroken,     // a link to the evidence exists but the target fails
  kUnchecked,  // the site could not be checked; never "missing"
  kNotApplicable,  // the committee marked the item not applicable (override);
                   // left out of the predicted score
};
const char* ItemStatusName(ItemStatus status);  // "pass", "partial", ...
bool ParseItemStatus(const std::string& name, ItemStatus* status);

// A date or year read from one field of a candidate.
// DateFact, UrlFacts and Hit are kept packed during a crawl
// (app/facts_table.h): a field added here must be packed there too.
struct DateFact {
  Field field = Field::kLinkText;  // where it was read (kUrl = file name)
  std::string source;  // "link_text", "url", "title", "headings", "doc_text",
                       // "pdf_meta", "last_modified"
  int fiscal_year = 0; // BE fiscal year it points to (0 = unknown)
  int year_be = 0;     // calendar year (BE) if known
  int month = 0;       // 1-12 if a month is known
  int day = 0;         // 1-31 if a day is known
  bool fiscal_marker = false;  // "ปีงบประมาณ", "ประจำปี", "FY" next to it
  std::string text;    // the text the date was read from
  std::string url;     // the URL the date is about (the link's target for
                       // link_text facts); "" = the page being saved
};

enum class UrlKind {
  kPage,       // HTML page inside the site's prefix
  kDocument,   // a file on the site's host (PDF, DOC, XLS, ...)
  kExternal,   // another host
  kOtherSite,  // same host but outside the site's scope (another district)
};

// Everything known about one URL of one site by the end of its crawl.
struct UrlFacts {
  std::string url;
  UrlKind kind = UrlKind::kPage;
  bool fetched = false;     // a response (or a definite error) was received
  bool ok = false;          // fetched with a 2xx (or 304 with stored body)
  int http_status = 0;
  std::string outcome;      // FetchOutcomeName(), "" if never fetched, or
                            // kOutcomePdfTooComplex
  std::string error;
  std::string found_on;     // first in-scope page that linked here
  bool placeholder = false; // page says "under construction" / is empty
  bool needs_review = false;  // e.g. image-only PDF: no text layer
  bool unreadable = false;  // a document that came back 2xx but cannot be
                            // opened (empty, an HTML page instead of the
                            // PDF, corrupt or password-locked): broken for
                            // the assessors; `error` says why
  std::string last_modified;
  std::vector<DateFact> dates;
};

// The outcome of a PDF that came 2xx but could not be read safely tonight
// (rules/pdf_sandbox.h: past the deadline or the memory limit): not ok and
// not broken (a browser may open it), so its item is `unchecked`.
inline constexpr char kOutcomePdfTooComplex[] = "pdf_too_complex";
// Marks `facts` so, with `why` (the reader's reason) in its error.
void MarkTooComplex(const std::string& why, UrlFacts* facts);

// One pattern that matched one field of one candidate URL.
struct Hit {
  std::string item_id;
  std::string component_id;
  std::string url;          // the candidate (evidence) URL
  std::string found_on;     // page where the link / text was seen
  Field field = Field::kLinkText;
  std::string matched;      // the matched text (normalised, <= 200 bytes)
  int pattern_line = 0;     // rule-file line of the pattern
  // The field matched the component, but an exclude pattern matched too
  // (then `matched` and `pattern_line` are the exclude's): the field names
  // the URL as something else ("รายงานผล ... รอบ 6 เดือน" is not the plan).
  // Never evidence; and the judge drops the URL from the component whatever
  // its other fields say (a file name Action_Plan_2568_6M.pdf, say). Only
  // fields where ExclusionNamesUrl is true yield such hits.
  bool excluded = false;
};

// True for the fields that name what a URL is, so an exclusion there holds
// for all its fields: the link text, the page title and the document's
// text. Not the file name (terse), headings or page text (sidebars and
// menus there name other pages).
bool ExclusionNamesUrl(Field field);

struct EvidenceRef {
  std::string component_id;
  std::string url;
  std::string found_on;
  std::string text;         // matched text
  std::string field;        // FieldName() of the hit
  std::string date;         // "YYYY-MM-DD" (CE), "YYYY-MM" or "" if none
  int fiscal_year = 0;      // BE, 0 if unknown
  std::string date_source;  // DateFact::source the verdict rests on
  std::string state;        // "ok", "stale", "broken", "no_date", "placeholder"
};

struct ItemVerdict {
  std::string item_id;
  std::string title;                            // the item's Thai title
  ItemStatus status = ItemStatus::kMissing;
  std::string reason;                           // one line, Thai or English
  std::vector<std::string> missing_components;  // component titles
  std::vector<std::string> missing_months;      // "2024-10" (CE) ... for kMonthly
  std::vector<EvidenceRef> evidence;            // best first
};

// Why a crawled site counts as not checked at all: none of `verdicts` was
// judged (each unchecked or not applicable, one at least unchecked), e.g.
// its host was dropped after the start page (red-team probe H01); "" if
// some item was judged. The reason is "no item could be checked" with the
// crawl's `notes` (why it stopped), else the first unchecked item's reason.
// The pipeline stores such a site unchecked; the reports read runs stored
// before it did the same way.
std::string NothingJudgedReason(const std::vector<ItemVerdict>& verdicts,
                                const std::string& notes);

}  // namespace oitwatch

#endif  // OITWATCH_RULES_EVIDENCE_H_
