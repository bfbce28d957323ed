// Minimal PDFs written by hand, for tests that need a document on the fly
// (e.g. a loopback server serving "O15 procurement summary 2568" as a PDF).
// Pure functions; thread-safe.
#ifndef OITWATCH_TESTS_TEST_PDF_H_
#define OITWATCH_TESTS_TEST_PDF_H_

#include <string>
#include <vector>

namespace oitwatch {

// A valid one-page PDF whose text layer is `ascii_text` (Helvetica,
// WinAnsi; '\n' starts a new line). Poppler extracts the text back.
std::string MakeSimplePdf(const std::string& ascii_text);

struct SimplePdfInfo {
  std::string title;          // UTF-8 (Thai is fine: written as UTF-16BE)
  std::string creation_date;  // PDF date, e.g. "D:20250115093000+07'00'"
  std::string mod_date;       // PDF date
};

// One page per string (an empty string makes a page without text), with an
// optional Info dictionary.
std::string MakeSimplePdfPages(const std::vector<std::string>& pages,
                               const SimplePdfInfo& info = {});

}  // namespace oitwatch

#endif  // OITWATCH_TESTS_TEST_PDF_H_
