// Dating a candidate for the judge: which of the DateFacts read from a URL
// a verdict rests on, and which months of the assessed fiscal year a
// monthly report covers. Pure functions; thread-safe.
//
// The year of a candidate comes from its DateFacts, by field, in this
//    precedence (first source that has any dated fact wins):
//
//      rank  source         counts for a year?
//      0     link_text      yes
//      1     title          yes
//      2     headings       yes
//      3     url            yes  (a year in the file name; the last one wins)
//      4     doc_text       yes
//      5     pdf_meta       yes
//      6     url_folder     no   (a year only in a folder: /ITA/2568/)
//      7     page_text      yes
//      8     last_modified  no   (shown for in_force/live only)
//      -     page_chrome    no   (a line of the site's chrome: never)
//
//    Within the winning source, facts with a fiscal marker ("ปีงบประมาณ",
//    "ประจำปี", "FY") win, then the latest fiscal year. Page text holds the
//    menus, sidebars and footer too; a date in a line the site repeats
//    around its pages (today's date in the header, a footer's "last
//    updated": rules/site_chrome.h) is read as "page_chrome" and dates
//    nothing. The rest counts by what it says of the page: a page naming 3
//    or more distinct full dates is a dated list (news, announcements) and
//    its latest day decides, a year without a day being another topic there
//    (a footer "© 2568", a calendar "เมษายน 2568", a counter "ปี 2568", a
//    sidebar's "ปีงบประมาณ 2566-2570", next year's draft budget) — unless
//    every year the page names with a marker is older than that day's (a
//    plan "ประจำปีงบประมาณ พ.ศ. 2567" listing its meetings of FY2568 is
//    FY2567's: stale, never a pass by its meeting dates); otherwise a
//    marked year wins, then a full date, a month, a bare year, each the
//    latest fiscal year. One
//    exception: when the link text wins but the document itself (title,
//    headings, text, PDF metadata) names with a marker only older fiscal
//    years than the link does, the document's newest marked year decides — last year's file
//    re-linked as this year's is stale, never a pass. In the url source
//    the fact that appears last wins instead. A folder year is the target
//    year of the assessment, not the content's (a FY2567 plan sits in
//    /ITA/2568/), so it never decides a year: a scan in /ITA/2568/ with no
//    other date is "stale, no year" (review by eye), not a pass.
#ifndef OITWATCH_RULES_DATING_H_
#define OITWATCH_RULES_DATING_H_

#include <utility>
#include <vector>

#include "rules/evidence.h"
#include "rules/judge.h"

namespace oitwatch {

using Month = std::pair<int, int>;  // (year BE, month)

// The date a verdict rests on, by the precedence above; `display` also
// accepts last_modified and folder years (for in_force/live items). Returns
// nullptr when `facts` is null or has no usable fact. The result points
// into facts->dates.
const DateFact* PickDate(const UrlFacts* facts, bool display);

// The link-text fact PickDate would take if the link text decided (marker
// first, then the latest fiscal year); nullptr if no link text names a year.
const DateFact* LinkDate(const UrlFacts* facts);

// True if `month` lies in fiscal year `fiscal_year` (BE): October of the
// year before up to September.
bool InFiscalYear(Month month, int fiscal_year);

// Months of the assessed FY named by the best-ranked source that names any,
// sorted, without repeats. Empty when `facts` is null.
std::vector<Month> CandidateMonths(const UrlFacts* facts, int fiscal_year);

// Of `dates`, the facts PickDate (either mode) and CandidateMonths for
// `fiscal_year` can rest on, and the first fact of FY `fiscal_year`, in their
// order: per source, the date PickDate would pick, the first fact naming a
// month and the first naming each month of that FY. On the result, and on
// the results of consecutive parts of a list put together, both functions
// return what they return on all the facts (facts are copied, so pointers
// differ), and a fact of FY `fiscal_year` is there if one was. A crawl keeps
// these of each page instead of every date its text names.
std::vector<DateFact> DecidingDates(const std::vector<DateFact>& dates,
                                    int fiscal_year);

// The months whose summary is due by the as-of date: October of FY-1 up to
// the month before as-of, capped at September of FY.
std::vector<Month> RequiredMonths(const JudgeContext& context);

}  // namespace oitwatch

#endif  // OITWATCH_RULES_DATING_H_
