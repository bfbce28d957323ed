// Test support for tests that drive a real Pipeline: a store file with a run
// begun, in a temporary directory, and the shipped FY2568 district rules
// compiled, with options judging them as of 2025-04-10.
#ifndef OITWATCH_TESTS_TEST_PIPELINE_H_
#define OITWATCH_TESTS_TEST_PIPELINE_H_

#include <memory>

#include "app/pipeline.h"
#include "rules/matcher.h"
#include "rules/rule_set.h"
#include "storage/store.h"

namespace oitwatch {

struct PipelineRig {
  std::unique_ptr<Store> store;
  RuleSet rules;
  std::unique_ptr<Matcher> matcher;
  PipelineOptions options;  // run_id and judge set; parse_threads as asked
};

// Fills *rig; false (and a test failure) if the store or the rules fail.
bool MakePipelineRig(int parse_threads, PipelineRig* rig);

}  // namespace oitwatch

#endif  // OITWATCH_TESTS_TEST_PIPELINE_H_
