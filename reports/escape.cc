#include "reports/escape.h"

#include <cstdio>

namespace oitwatch {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// One decoded code point, or an invalid subsequence.
struct CodePoint {
  char32_t value = 0;
  bool valid = false;
  std::string_view bytes;  // the input bytes it was decoded from
};

// Lead-byte table of Unicode 15 §3.9 Table 3-7: sequence length and the
// allowed range of the first continuation byte (rejects overlongs,
// surrogates and code points above U+10FFFF).
bool LeadByte(unsigned char b, int* len, char32_t* bits, unsigned char* lo,
              unsigned char* hi) {
  *lo = 0x80;
  *hi = 0xBF;
  if (b >= 0xC2 && b <= 0xDF) {
    *len = 2;
    *bits = b & 0x1F;
  } else if (b >= 0xE0 && b <= 0xEF) {
    *len = 3;
    *bits = b & 0x0F;
    if (b == 0xE0) *lo = 0xA0;
    if (b == 0xED) *hi = 0x9F;
  } else if (b >= 0xF0 && b <= 0xF4) {
    *len = 4;
    *bits = b & 0x07;
    if (b == 0xF0) *lo = 0x90;
    if (b == 0xF4) *hi = 0x8F;
  } else {
    return false;
  }
  return true;
}

// Decodes the code point at in[*pos] and advances *pos past it. An invalid
// sequence consumes its maximal subpart (at least one byte).
CodePoint Next(std::string_view in, size_t* pos) {
  size_t start = *pos;
  unsigned char b = static_cast<unsigned char>(in[start]);
  if (b < 0x80) {
    *pos = start + 1;
    return {b, true, in.substr(start, 1)};
  }
  int len = 0;
  char32_t cp = 0;
  unsigned char lo = 0, hi = 0;
  size_t i = start + 1;
  if (LeadByte(b, &len, &cp, &lo, &hi)) {
    for (int k = 1; k < len; ++k, ++i) {
      if (i >= in.size()) break;
      unsigned char c = static_cast<unsigned char>(in[i]);
      if (c < lo || c > hi) break;
      cp = (cp << 6) | (c & 0x3F);
      lo = 0x80;
      hi = 0xBF;
      if (k == len - 1) {
        *pos = i + 1;
        return {cp, true, in.substr(start, i + 1 - start)};
      }
    }
  }
  *pos = i;
  return {0xFFFD, false, in.substr(start, i - start)};
}

// Appends the code point's bytes, or U+FFFD if it was invalid.
void AppendRaw(const CodePoint& cp, std::string* out) {
  if (cp.valid) {
    out->append(cp.bytes);
  } else {
    out->append(kReplacement);
  }
}

void AppendHex(const char* format, char32_t cp, std::string* out) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), format, static_cast<unsigned>(cp));
  out->append(buf);
}

bool IsBidiControl(char32_t cp) {
  return cp == 0x061C || cp == 0x200E || cp == 0x200F ||
         (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

// JSON escape for one code point, or nullptr if it goes out raw.
const char* JsonShortEscape(char32_t cp) {
  switch (cp) {
    case '"':
      return "\\\"";
    case '\\':
      return "\\\\";
    case '\n':
      return "\\n";
    case '\r':
      return "\\r";
    case '\t':
      return "\\t";
    case '\b':
      return "\\b";
    case '\f':
      return "\\f";
    default:
      return nullptr;
  }
}

bool JsonNeedsUnicodeEscape(char32_t cp) {
  return cp < 0x20 || cp == 0x7F || cp == '<' || cp == '>' || cp == '&' ||
         cp == 0x2028 || cp == 0x2029;
}

bool IsCsvFormulaTrigger(char c) {
  return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' ||
         c == '\r' || c == '\n';
}

}  // namespace

std::string ValidUtf8(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (size_t pos = 0; pos < in.size();) AppendRaw(Next(in, &pos), &out);
  return out;
}

std::string JsonString(std::string_view in) {
  std::string out = "\"";
  out.reserve(in.size() + 2);
  for (size_t pos = 0; pos < in.size();) {
    CodePoint cp = Next(in, &pos);
    if (const char* esc = cp.valid ? JsonShortEscape(cp.value) : nullptr) {
      out.append(esc);
    } else if (cp.valid && JsonNeedsUnicodeEscape(cp.value)) {
      AppendHex("\\u%04x", cp.value, &out);
    } else {
      AppendRaw(cp, &out);
    }
  }
  out.push_back('"');
  return out;
}

std::string CsvField(std::string_view in) {
  std::string text;
  for (char c : ValidUtf8(in)) {
    if (c != '\0') text.push_back(c);
  }
  if (!text.empty() && IsCsvFormulaTrigger(text[0])) text.insert(0, "'");
  if (text.find_first_of("\",\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string HtmlEscape(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (char c : ValidUtf8(in)) {
    switch (c) {
      case '&':
        out.append("&amp;");
        break;
      case '<':
        out.append("&lt;");
        break;
      case '>':
        out.append("&gt;");
        break;
      case '"':
        out.append("&quot;");
        break;
      case '\'':
        out.append("&#39;");
        break;
      case '\0':
        out.append(kReplacement);
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string TerminalSafe(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (size_t pos = 0; pos < in.size();) {
    CodePoint cp = Next(in, &pos);
    char32_t v = cp.value;
    if (!cp.valid) {
      out.append(kReplacement);
    } else if (v == '\t' || v == '\r' || v == '\n' || v == 0x2028 ||
               v == 0x2029) {
      out.push_back(' ');
    } else if (v < 0x20 || (v >= 0x7F && v <= 0x9F)) {
      AppendHex("\\x%02x", v, &out);
    } else if (IsBidiControl(v)) {
      AppendHex("\\u%04x", v, &out);
    } else {
      out.append(cp.bytes);
    }
  }
  return out;
}

}  // namespace oitwatch
