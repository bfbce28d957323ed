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

// A hostile PDF of a few KB (red team rtpdf B02-B04): one page showing
// `ascii_text`, whose /Contents then lists one Flate stream `repeat` times;
// the stream inflates to `unit` repeated for `stream_mb` MiB. With "q Q "
// poppler parses ~10 MiB a second, as many times as listed (20,000: hours);
// with "0 0 m 1 1 l " (path segments never painted) it holds ~300 MB per
// 10 MiB listed.
std::string MakeContentsBombPdf(const std::string& ascii_text,
                                const std::string& unit, int stream_mb,
                                int repeat);

// The bytes of a PDF 1.4 file whose object i+1 is objects[i]: header,
// objects, xref table and a trailer naming object 1 as /Root and object
// `info_object` as /Info. Every PDF maker of the tests ends with this.
std::string AssemblePdf(const std::vector<std::string>& objects,
                        int info_object);

// A PDF text string for an Info dictionary: UTF-16BE with BOM, as hex
// (<FEFF...>; characters beyond U+FFFF as surrogate pairs).
std::string PdfTextString(const std::string& utf8);

}  // namespace oitwatch

#endif  // OITWATCH_TESTS_TEST_PDF_H_
