// Renderers: one Report (report.h) to one output format, and the table of
// formats behind the CLI's `--format`. Renderers are pure (no clock, no I/O)
// and never fail: every web-derived string goes through the matching escape.h
// function, so hostile or invalid UTF-8 input still gives valid output.
//
// Pure functions over const data; thread-safe.
#ifndef OITWATCH_REPORTS_RENDER_H_
#define OITWATCH_REPORTS_RENDER_H_

#include <string>
#include <vector>

#include "reports/report.h"

namespace oitwatch {

// JSON, pretty-printed, always valid UTF-8 (invalid input becomes U+FFFD):
// {"ruleset", "ruleset_version", "fiscal_year", "as_of", "run_id",
//  "run_status", "started_at", "finished_at", ["generated_at"],
//  "sites": [{"id", "name", "name_en", "url", "state", "reason",
//    "score" (number, or null when unchecked), "unchecked_items" (items
//    not checked, counted as not passed in the score), "pages", "documents",
//    "errors", "skipped", "counts": {status: n for all six statuses},
//    "items": [{"id", "title", "status", "reason", "missing_components",
//      "missing_months", "evidence": [{"component", "url", "found_on",
//        "text", "field", "date", "fiscal_year" (number, null if unknown),
//        "date_source", "state"}]}]}]}
std::string RenderJson(const Report& report);

// Terminal report, Thai first with English in parentheses: run header, one
// block per site (score and how many items were not checked, counts, one
// line per item with indented reason, missing components/months and the
// best evidence URL), a summary (the mean score leaves out sites without
// one and says how many). Unchecked sites get one line with the reason and
// a note that their items are not counted as missing. Every web-derived
// string goes through TerminalSafe.
std::string RenderText(const Report& report);

// CSV (RFC 4180, CRLF line ends, UTF-8 BOM first so Excel reads Thai): a
// header row, then one row per site x item (an unchecked site without items
// gets one row with empty item columns). Columns: run_id, fiscal_year,
// site_id, site_name, site_state, item_id, item_title, status, reason,
// missing_components (joined " | "), missing_months (joined " | "),
// evidence_url, evidence_found_on, evidence_date, evidence_fiscal_year (of
// the best evidence). Every cell goes through CsvField.
std::string RenderCsv(const Report& report);

// Thai label of an item status ("ผ่าน" for "pass", ...); the status itself if
// unknown.
const char* StatusThai(const std::string& status);

struct Renderer {
  const char* name;         // "--format" value: "text", "json", "csv"
  const char* description;  // one line for --help
  std::string (*render)(const Report&);
};

// All formats, the default ("text") first.
const std::vector<Renderer>& Renderers();
// The format called `name`, or nullptr if there is none.
const Renderer* FindRenderer(const std::string& name);

}  // namespace oitwatch

#endif  // OITWATCH_REPORTS_RENDER_H_
