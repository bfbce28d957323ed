#include "tests/test_pipeline.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "tests/test_process.h"

namespace oitwatch {

bool MakePipelineRig(int parse_threads, PipelineRig* rig) {
  std::string err;
  rig->store = Store::Open(MakeTempDir() + "/o.db", &err);
  if (rig->store == nullptr) {
    ADD_FAILURE() << err;
    return false;
  }
  RunInfo info;
  info.status = "running";
  int64_t run_id = 0;
  if (!rig->store->BeginRun(info, &run_id, &err) ||
      !LoadRuleSet(std::string(OITWATCH_SOURCE_DIR) +
                       "/config/rules/bma-district-2568.yaml",
                   &rig->rules, &err) ||
      (rig->matcher = Matcher::Create(rig->rules, &err)) == nullptr) {
    ADD_FAILURE() << err;
    return false;
  }
  rig->options.run_id = run_id;
  rig->options.judge = JudgeContext{2568, 2025, 4, 10};
  rig->options.parse_threads = parse_threads;
  return true;
}

}  // namespace oitwatch
