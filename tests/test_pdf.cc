#include "tests/test_pdf.h"

#include <cstdio>

#include "tests/test_compress.h"

namespace oitwatch {
namespace {

// A PDF literal string: (...) with \, ( and ) escaped, other bytes >= 0x80
// as octal escapes.
std::string Literal(const std::string& s) {
  std::string out = "(";
  for (unsigned char c : s) {
    if (c == '\\' || c == '(' || c == ')') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c >= 0x80) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\%03o", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + ")";
}

}  // namespace

std::string PdfTextString(const std::string& utf8) {
  std::string out = "<FEFF";
  char buf[8];
  for (size_t i = 0; i < utf8.size();) {
    const auto c = static_cast<unsigned char>(utf8[i]);
    unsigned cp = c;
    size_t len = 1;
    if (c >= 0xF0)
      cp = c & 0x07, len = 4;
    else if (c >= 0xE0)
      cp = c & 0x0F, len = 3;
    else if (c >= 0xC0)
      cp = c & 0x1F, len = 2;
    for (size_t k = 1; k < len && i + k < utf8.size(); ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(utf8[i + k]) & 0x3F);
    }
    i += len;
    if (cp >= 0x10000) {  // surrogate pair
      cp -= 0x10000;
      std::snprintf(buf, sizeof buf, "%04X", 0xD800 + (cp >> 10));
      out += buf;
      cp = 0xDC00 + (cp & 0x3FF);
    }
    std::snprintf(buf, sizeof buf, "%04X", cp);
    out += buf;
  }
  return out + ">";
}

namespace {

std::string ContentStream(const std::string& text) {
  std::string ops = "BT /F1 12 Tf 14 TL 72 760 Td\n";
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    ops += Literal(text.substr(start, end - start)) + " Tj T*\n";
    start = end + 1;
  }
  ops += "ET\n";
  if (text.empty()) ops = "0 0 m 10 10 l S\n";  // a page without text
  return "<< /Length " + std::to_string(ops.size()) + " >>\nstream\n" + ops +
         "endstream";
}

std::string InfoDict(const SimplePdfInfo& info) {
  std::string d = "<<";
  if (!info.title.empty()) d += " /Title " + PdfTextString(info.title);
  if (!info.creation_date.empty()) {
    d += " /CreationDate " + Literal(info.creation_date);
  }
  if (!info.mod_date.empty()) d += " /ModDate " + Literal(info.mod_date);
  return d + " >>";
}

}  // namespace

std::string MakeSimplePdfPages(const std::vector<std::string>& pages,
                               const SimplePdfInfo& info) {
  // Objects: 1 catalog, 2 page tree, 3 font, 4 info, then page + content
  // pairs.
  std::vector<std::string> objects = {
      "<< /Type /Catalog /Pages 2 0 R >>", "",
      "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
      "/Encoding /WinAnsiEncoding >>",
      InfoDict(info)};
  std::string kids;
  for (size_t i = 0; i < pages.size(); ++i) {
    const size_t page_id = objects.size() + 1;
    kids += std::to_string(page_id) + " 0 R ";
    objects.push_back(
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        "/Resources << /Font << /F1 3 0 R >> >> /Contents " +
        std::to_string(page_id + 1) + " 0 R >>");
    objects.push_back(ContentStream(pages[i]));
  }
  objects[1] = "<< /Type /Pages /Kids [" + kids + "] /Count " +
               std::to_string(pages.size()) + " >>";
  return AssemblePdf(objects, 4);
}

std::string MakeContentsBombPdf(const std::string& ascii_text,
                                const std::string& unit, int stream_mb,
                                int repeat) {
  std::string ops;
  const size_t bytes = static_cast<size_t>(stream_mb) << 20;
  ops.reserve(bytes + unit.size());
  while (ops.size() < bytes) ops += unit;
  const std::string deflated = Zlib("\n" + ops + "\n", 15);
  // Objects: 1 catalog, 2 page tree, 3 font, 4 info, 5 the page, 6 its
  // text, 7 the stream listed `repeat` times.
  std::string contents = "[6 0 R";
  for (int i = 0; i < repeat; ++i) contents += " 7 0 R";
  const std::vector<std::string> objects = {
      "<< /Type /Catalog /Pages 2 0 R >>",
      "<< /Type /Pages /Kids [5 0 R] /Count 1 >>",
      "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
      "/Encoding /WinAnsiEncoding >>",
      "<< >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
      "/Resources << /Font << /F1 3 0 R >> >> /Contents " + contents +
          "] >>",
      ContentStream(ascii_text),
      "<< /Length " + std::to_string(deflated.size()) +
          " /Filter /FlateDecode >>\nstream\n" + deflated + "\nendstream"};
  return AssemblePdf(objects, 4);
}

std::string AssemblePdf(const std::vector<std::string>& objects,
                        int info_object) {
  std::string pdf = "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n";
  std::vector<size_t> offsets;
  for (size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(pdf.size());
    pdf += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  const size_t xref = pdf.size();
  pdf += "xref\n0 " + std::to_string(objects.size() + 1) +
         "\n0000000000 65535 f \n";
  for (size_t off : offsets) {
    char line[24];
    std::snprintf(line, sizeof line, "%010zu 00000 n \n", off);
    pdf += line;
  }
  pdf += "trailer\n<< /Size " + std::to_string(objects.size() + 1) +
         " /Root 1 0 R /Info " + std::to_string(info_object) + " 0 R >>\nstartxref\n" + std::to_string(xref) +
         "\n%%EOF\n";
  return pdf;
}

std::string MakeSimplePdf(const std::string& ascii_text) {
  return MakeSimplePdfPages({ascii_text});
}

}  // namespace oitwatch
