// `oitwatch explain --site ID --item O15`: the chain a verdict rests on,
// read back from the database: page -> link -> document -> matched text ->
// date -> verdict, for each component, then the other candidates seen.
#ifndef OITWATCH_APP_EXPLAIN_H_
#define OITWATCH_APP_EXPLAIN_H_

#include <cstdint>
#include <string>

namespace oitwatch {

struct ExplainOptions {
  std::string db = "oitwatch.db";
  int64_t run = 0;      // 0 = newest finished run
  std::string site;     // required
  std::string item;     // required, e.g. "O15"
};

// Prints the explanation on stdout. Returns an ExitCode (app/commands.h).
int ExplainCommand(const ExplainOptions& options);

}  // namespace oitwatch

#endif  // OITWATCH_APP_EXPLAIN_H_
