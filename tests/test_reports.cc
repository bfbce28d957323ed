#include "tests/test_reports.h"

namespace oitwatch {

EvidenceRef SampleEvidence(const std::string& component_id,
                           const std::string& url, const std::string& found_on,
                           const std::string& text) {
  EvidenceRef e;
  e.component_id = component_id;
  e.url = url;
  e.found_on = found_on;
  e.text = text;
  e.field = "link_text";
  e.date = "2025-01-15";
  e.fiscal_year = 2568;
  e.date_source = "link_text";
  e.state = "ok";
  return e;
}

RunInfo SampleRunInfo(const std::string& as_of) {
  RunInfo run;
  run.ruleset_id = "bma-district";
  run.ruleset_version = "2568.1";
  run.fiscal_year = 2568;
  run.as_of = as_of;
  return run;
}

}  // namespace oitwatch
