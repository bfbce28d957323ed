// `oitwatch verify`: checks the (item, URL) pairs a district's ITA working
// committee plans to submit, before the assessors open them. Each URL is
// fetched once with the real Fetcher (same guards as the crawler; a
// user-initiated check of named URLs, like a browser, so robots.txt is not
// consulted), then checked for: reachable; on the office's own site (its
// scope prefix, or a document on the same host; another host only for
// components that allow it); matches the item (the rule set's patterns
// over the page or PDF text and the URL/file name); current (the judge's
// freshness logic, JudgeSite, over the facts of that item's URLs). One line
// per item: ok, or the problems.
//
// Not thread-safe (one Fetcher, driven on the calling thread).
#ifndef OITWATCH_APP_VERIFY_H_
#define OITWATCH_APP_VERIFY_H_

#include <string>
#include <vector>

#include "app/submissions.h"  // Submission, ParseSubmissions
#include "rules/pdf_sandbox.h"
#include "rules/rule_set.h"

namespace oitwatch {

struct VerifyOptions {
  std::string site;         // site id, e.g. "laksi" (required)
  std::string submissions;  // CSV file `item,url` (required)
  std::string sites;        // "" = config/bma-districts.yaml
  std::string rules;        // "" = config/rules/bma-district-<FY>.yaml
  std::string as_of;        // "" = today (Asia/Bangkok)
  int fiscal_year = 0;      // 0 = the FY containing as_of
  std::vector<std::string> allow_addresses;  // SSRF guard allow-list
  std::vector<std::string> resolve;          // host:port:address
  std::vector<int> allow_ports;  // redirect ports beyond 80/443 (A24)
  std::string ca_file;           // CA bundle instead of the system's; "" = it
  long timeout_ms = 60000;                   // per URL (documents get 5x)
  long connect_timeout_ms = 10000;
  PdfSandboxOptions pdf;  // PDFs are read in a worker process, as in `run`
};

// The command: prints one line per submitted item on stdout. Returns
// kExitOk if every item is fine, kExitSitesUnchecked (4) if any has a
// problem (unreachable, off-site, no match, stale, partial ...), kExitUsage
// for bad flags, CSV, sites or rules files.
int VerifyCommand(const VerifyOptions& options);

}  // namespace oitwatch

#endif  // OITWATCH_APP_VERIFY_H_
