// Internal to reports/: one site's page of the HTML report (html.h): each
// item's status, reason, evidence, dates and their source, missing
// components and months; what changed since the previous finished run;
// crawl coverage from the pages table. Pure; thread-safe.
#ifndef OITWATCH_REPORTS_HTML_SITE_H_
#define OITWATCH_REPORTS_HTML_SITE_H_

#include <string>

#include "reports/html.h"
#include "reports/report.h"

namespace oitwatch {

// The whole document for site-<id>.html.
std::string RenderSitePage(const Report& report, const SiteReport& site,
                           const HtmlContext& context);

}  // namespace oitwatch

#endif  // OITWATCH_REPORTS_HTML_SITE_H_
