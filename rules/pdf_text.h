// Text and metadata of a PDF, through poppler-cpp (inside pdf_text.cc only).
// Thread-safe: each call owns its poppler document.
#ifndef OITWATCH_RULES_PDF_TEXT_H_
#define OITWATCH_RULES_PDF_TEXT_H_

#include <string>
#include <string_view>

namespace oitwatch {

struct PdfText {
  std::string text;           // UTF-8, pages joined by "\n", capped
  std::string title;          // Info dictionary /Title
  std::string creation_date;  // "YYYY-MM-DD" (CE) or ""
  std::string mod_date;       // "YYYY-MM-DD" (CE) or ""
  int pages = 0;
  bool has_text = false;      // false for image-only (scanned) PDFs
};

// Extracts up to `max_pages` pages and `max_text_bytes` of text. Returns false
// with a message for bytes that are not a readable PDF (also encrypted ones).
bool ExtractPdfText(std::string_view pdf_bytes, int max_pages,
                    size_t max_text_bytes, PdfText* out, std::string* err);

}  // namespace oitwatch

#endif  // OITWATCH_RULES_PDF_TEXT_H_
