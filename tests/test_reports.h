// Sample report data shared by the report tests (report_test, render_test,
// html_report_test): the pieces each of them used to build by hand.
// Pure functions; thread-safe.
#ifndef OITWATCH_TESTS_TEST_REPORTS_H_
#define OITWATCH_TESTS_TEST_REPORTS_H_

#include <string>

#include "rules/evidence.h"
#include "storage/store.h"

namespace oitwatch {

// Evidence of one component: the document at `url`, linked from `found_on`
// with link text `text`, dated 2025-01-15 by that link text (FY 2568),
// state "ok".
EvidenceRef SampleEvidence(const std::string& component_id,
                           const std::string& url, const std::string& found_on,
                           const std::string& text);

// The header of a sample run: rule set bma-district 2568.1, fiscal year
// 2568, judged as of `as_of` (YYYY-MM-DD).
RunInfo SampleRunInfo(const std::string& as_of);

}  // namespace oitwatch

#endif  // OITWATCH_TESTS_TEST_REPORTS_H_
