// Runs a program (the real `oitwatch` binary) as a child process for end-to-
// end tests, capturing stdout and stderr, with a time limit. Thread-safe.
#ifndef OITWATCH_TESTS_TEST_PROCESS_H_
#define OITWATCH_TESTS_TEST_PROCESS_H_

#include <string>
#include <vector>

namespace oitwatch {

struct ProcessResult {
  int exit_code = -1;   // -1 if killed by a signal or the time limit
  int signal = 0;       // the signal that ended it, 0 if it exited
  bool timed_out = false;
  std::string out, err;
};

// Runs argv[0] with arguments argv[1..] (no shell). The child is killed
// (SIGKILL) after `timeout_seconds`.
ProcessResult RunProcess(const std::vector<std::string>& argv,
                         int timeout_seconds = 120);

// A fresh, empty directory under the test temp dir.
std::string MakeTempDir();

// Writes `content` to `path`; returns false on error.
bool WriteFile(const std::string& path, const std::string& content);
std::string ReadFile(const std::string& path);

}  // namespace oitwatch

#endif  // OITWATCH_TESTS_TEST_PROCESS_H_
