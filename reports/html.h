// The HTML report: a self-contained directory (index.html + one
// site-<id>.html per site) that works from a file share with no network —
// inline CSS only, no scripts, no external fonts or images, and a CSP meta
// tag (default-src 'none'; style-src 'unsafe-inline'; img-src data:) so a
// browser would refuse anything else even if it slipped in.
//
// index.html: the overview matrix (sites x items, coloured by status, with a
// legend), each site's predicted OIT score and the ITA level it points to,
// and the days left to the OIT data-entry window. site-<id>.html: each
// item's status, reason, evidence (only http/https URLs become links),
// dates and their source, missing components and months; what changed
// since the previous finished run; crawl coverage from the pages table.
//
// Every web-derived string goes through HtmlEscape; an href is written only
// for http(s) URLs and for our own relative pages. Rendering is pure;
// WriteHtmlReport does the reading and the file I/O. Thread-compatible.
#ifndef OITWATCH_REPORTS_HTML_H_
#define OITWATCH_REPORTS_HTML_H_

#include <map>
#include <string>
#include <vector>

#include "reports/report.h"
#include "storage/store.h"

namespace oitwatch {

// What the HTML report shows beyond the Report itself.
struct HtmlContext {
  // The previous finished run (older than report.run_id), for "what
  // changed". Null when there is none.
  const Report* previous = nullptr;
  // Fetched/not-fetched URLs of each site in this run (Store::ListPages),
  // keyed by site id. A site without an entry shows no coverage table.
  std::map<std::string, std::vector<PageRecord>> pages;
};

struct HtmlFile {
  std::string name;  // "index.html", "site-laksi.html"
  std::string html;
};

// index.html first, then one page per site in report order. Pure.
std::vector<HtmlFile> RenderHtml(const Report& report,
                                 const HtmlContext& context);

// "site-<id>.html", with every byte of `site_id` outside [A-Za-z0-9_-]
// replaced by '_' (ids come from the sites file; the name must stay a plain
// file name inside the report directory).
std::string SitePageName(const std::string& site_id);

// The ITA level (FY2567+ scale, /work/shared/domain/assessment.md) that an
// OIT score points to, Thai. OIT alone cannot decide the level, so two
// readings: if IIT and EIT scored the same as OIT, and the best level still
// reachable if IIT and EIT scored 100 (total = 0.3 IIT + 0.3 EIT + 0.4 OIT).
const char* LevelIfToolsEqual(double oit_score);
const char* BestReachableLevel(double oit_score);

// Days from `as_of` (YYYY-MM-DD, CE) to the assumed OIT data-entry window
// of fiscal year `fiscal_year` (BE): 1 March to 30 April of CE year
// fiscal_year - 543. Negative when the day has passed. Returns false if
// `as_of` is not a valid date.
bool DaysToWindow(const std::string& as_of, int fiscal_year, int* to_start,
                  int* to_end);

// Reads what RenderHtml needs from `store` (the previous finished run,
// rebuilt with BuildReport, and ListPages of each site), renders, and writes
// every file into `dir` (created if missing), each with WriteOutputFile
// (reports/output_file.h: a unique temp file + rename, never following a
// planted symlink, refusing a page name held by a device, FIFO or
// directory), index.html last. Returns false with "PATH: what failed" in
// *err (PATH the directory or the page).
bool WriteHtmlReport(Store& store, const Report& report,
                     const std::string& dir, std::string* err);

}  // namespace oitwatch

#endif  // OITWATCH_REPORTS_HTML_H_
