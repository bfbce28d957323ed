// PDF text through poppler-cpp (the only file that includes it).
#include "rules/pdf_text.h"

#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-global.h>
#include <poppler/cpp/poppler-page.h>

#include <algorithm>
#include <climits>
#include <memory>
#include <mutex>

#include "rules/thai_text.h"

namespace oitwatch {
namespace {

// A one-page PDF with nothing on it (poppler rebuilds the missing xref).
constexpr char kBlankPdf[] =
    "%PDF-1.1\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    "2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    "3 0 obj<</Type/Page/MediaBox[0 0 3 3]/Parent 2 0 R>>endobj\n"
    "trailer<</Root 1 0 R>>\n%%EOF\n";

// Once per process: poppler prints syntax errors of broken PDFs to stderr;
// they are data for us (the call fails or yields less text), so silence
// them. And poppler-cpp builds its GlobalParams (font and encoding tables)
// when the first open document needs them and tears them down when the last
// one closes: once per PDF for us, 3 % of a crawl's CPU. A blank document
// kept open for the life of the process keeps them built.
void InitPoppler() {
  static std::once_flag once;
  std::call_once(once, [] {
    poppler::set_debug_error_function([](const std::string&, void*) {},
                                      nullptr);
    static const std::unique_ptr<poppler::document> keep_globals(
        poppler::document::load_from_raw_data(kBlankPdf,
                                              sizeof(kBlankPdf) - 1));
  });
}

std::string Utf8(const poppler::ustring& s) {
  const poppler::byte_array bytes = s.to_utf8();
  return SanitizeUtf8(std::string_view(bytes.data(), bytes.size()));
}

// "D:20250115093000+07'00'" -> "2025-01-15"; "" without year, month, day.
std::string PdfDateToIso(std::string_view raw) {
  if (raw.starts_with("D:")) raw.remove_prefix(2);
  if (raw.size() < 8) return "";
  for (size_t i = 0; i < 8; ++i) {
    if (raw[i] < '0' || raw[i] > '9') return "";
  }
  const int month = (raw[4] - '0') * 10 + (raw[5] - '0');
  const int day = (raw[6] - '0') * 10 + (raw[7] - '0');
  if (month < 1 || month > 12 || day < 1 || day > 31) return "";
  return std::string(raw.substr(0, 4)) + "-" + std::string(raw.substr(4, 2)) +
         "-" + std::string(raw.substr(6, 2));
}

bool HasNonSpace(std::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
        c == '\v') {
      continue;
    }
    if (c == '\xC2' && i + 1 < text.size() && text[i + 1] == '\xA0') {
      ++i;
      continue;
    }
    return true;
  }
  return false;
}

// Appends the text of up to max_pages pages, stopping at max_text_bytes.
void ExtractPages(const poppler::document& doc, int max_pages,
                  size_t max_text_bytes, std::string* text) {
  const int pages = std::min(doc.pages(), max_pages);
  for (int i = 0; i < pages && text->size() < max_text_bytes; ++i) {
    std::unique_ptr<poppler::page> page(doc.create_page(i));
    if (i > 0) text->push_back('\n');
    if (page != nullptr) text->append(Utf8(page->text()));
  }
  if (text->size() > max_text_bytes)
    *text = TruncateUtf8(*text, max_text_bytes);
}

}  // namespace

bool ExtractPdfText(std::string_view pdf_bytes, int max_pages,
                    size_t max_text_bytes, PdfText* out, std::string* err) {
  *out = PdfText();
  InitPoppler();
  if (pdf_bytes.size() > static_cast<size_t>(INT_MAX)) {
    *err = "pdf: too large for poppler (" + std::to_string(pdf_bytes.size()) +
           " bytes)";
    return false;
  }
  // Poppler reads the buffer in place; it outlives `doc`.
  std::unique_ptr<poppler::document> doc(poppler::document::load_from_raw_data(
      pdf_bytes.data(), static_cast<int>(pdf_bytes.size())));
  if (doc == nullptr) {
    *err = "pdf: not a readable PDF (" + std::to_string(pdf_bytes.size()) +
           " bytes)";
    return false;
  }
  if (doc->is_locked()) {
    *err = "pdf: encrypted, a password is needed to read it";
    return false;
  }
  out->pages = doc->pages();
  if (out->pages <= 0) {
    *err = "pdf: the document has no pages";
    return false;
  }
  out->title = Utf8(doc->info_key("Title"));
  out->creation_date = PdfDateToIso(Utf8(doc->info_key("CreationDate")));
  out->mod_date = PdfDateToIso(Utf8(doc->info_key("ModDate")));
  ExtractPages(*doc, max_pages, max_text_bytes, &out->text);
  out->has_text = HasNonSpace(out->text);
  return true;
}

}  // namespace oitwatch
