// Internal to reports/: the frame and the small pieces every page of the
// HTML report (html.h) is built of: the page with its inline CSS and CSP,
// status badges and colours, safe links, Thai dates, score and level cells.
// Each returns HTML with every argument escaped; an href is written only for
// http(s) URLs. Pure functions; thread-safe.
#ifndef OITWATCH_REPORTS_HTML_PAGE_H_
#define OITWATCH_REPORTS_HTML_PAGE_H_

#include <optional>
#include <string>

#include "reports/report.h"

namespace oitwatch {

// A complete self-contained document: `body` framed with the CSS, the CSP
// meta tag and the "automated prediction" footer.
std::string HtmlPage(const std::string& title, const std::string& body);

// "st-<status>" for a known status, else "st-unknown".
std::string StatusClass(const std::string& status);
// The matrix symbol of a status ("✓", "✗", ...), "·" for an unknown one.
const char* StatusSymbol(const std::string& status);
// "ผ่าน (pass)" in a coloured badge.
std::string StatusBadge(const std::string& status);
// A badge for every status, in the order of the style table.
std::string StatusLegend();

// A link for http(s) URLs; anything else is shown as text, never an href.
std::string UrlHtml(const std::string& url);
// "12.34", or "—" without a score (plain text).
std::string ScoreText(const std::optional<double>& score);
// The id of an item's section on its site page (plain text).
std::string ItemAnchor(const std::string& item_id);
// "2025-01-15" -> "15 มกราคม 2568 (2025-01-15)"; "2024-10" -> "ตุลาคม 2567";
// anything else unchanged (plain text, not escaped).
std::string ThaiDateLabel(const std::string& iso);

// Three <td>: predicted OIT score (with how many items were not checked,
// if any), level if IIT/EIT equal OIT, best level.
std::string LevelCells(const SiteReport& site);
// The box that explains scores and ITA levels.
std::string LevelExplanation();
// One paragraph: rule set, fiscal year, as-of date and run of `r`.
std::string RunFacts(const Report& r);

}  // namespace oitwatch

#endif  // OITWATCH_REPORTS_HTML_PAGE_H_
