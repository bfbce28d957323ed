// The submissions file of `oitwatch verify`: the (item, URL) pairs a
// district's ITA working committee plans to submit, as a small CSV
// (`item,url`). Pure functions; thread-safe.
#ifndef OITWATCH_APP_SUBMISSIONS_H_
#define OITWATCH_APP_SUBMISSIONS_H_

#include <string>
#include <vector>

#include "rules/rule_set.h"

namespace oitwatch {

struct Submission {
  int line = 0;         // line in the CSV file (1 = header)
  std::string item_id;  // as in the rule set, e.g. "O5"
  std::string url;      // normalised absolute http(s) URL
};

// Parses the submissions CSV (RFC 4180 quoting; UTF-8, a BOM is skipped;
// LF or CRLF). The first row must be the header `item,url` (any case);
// blank rows are skipped; item ids are matched case-insensitively against
// `rules`. Returns false with one "FILE:LINE: what is wrong" per bad row
// (newline-separated) in *err; `path` is only used in messages.
bool ParseSubmissions(const std::string& path, const std::string& content,
                      const RuleSet& rules, std::vector<Submission>* out,
                      std::string* err);

}  // namespace oitwatch

#endif  // OITWATCH_APP_SUBMISSIONS_H_
