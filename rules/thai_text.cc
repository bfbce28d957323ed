// Thai text normalisation: byte-level loops, no regex (runs on every page).
#include "rules/thai_text.h"

#include <cstdint>

namespace oitwatch {
namespace {

constexpr char32_t kReplacement = 0xFFFD;
constexpr char32_t kThaiSaraAa = 0x0E32;
constexpr char32_t kThaiSaraAm = 0x0E33;
constexpr char32_t kThaiNikhahit = 0x0E4D;

// Decodes the code point at text[i]. Invalid input yields U+FFFD and the
// length of the maximal invalid subpart (WHATWG / Unicode 6.0+ practice), so
// decoding always advances by at least one byte.
char32_t DecodeAt(std::string_view text, size_t i, size_t* len) {
  const auto b0 = static_cast<uint8_t>(text[i]);
  *len = 1;
  if (b0 < 0x80) return b0;
  size_t need = 0;
  char32_t cp = 0;
  uint8_t lo = 0x80, hi = 0xBF;  // valid range of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    need = 1, cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    need = 2, cp = b0 & 0x0F;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;  // no surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    need = 3, cp = b0 & 0x07;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return kReplacement;
  }
  for (size_t k = 1; k <= need; ++k) {
    if (i + k >= text.size()) return kReplacement;
    const auto b = static_cast<uint8_t>(text[i + k]);
    if (b < lo || b > hi) return kReplacement;
    lo = 0x80, hi = 0xBF;
    cp = (cp << 6) | (b & 0x3F);
    *len = k + 1;
  }
  return cp;
}

void AppendUtf8(char32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

bool IsSpace(char32_t cp) {
  switch (cp) {
    case ' ':
    case '\t':
    case '\n':
    case '\v':
    case '\f':
    case '\r':
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
      return true;
    default:
      return cp >= 0x2000 && cp <= 0x200A;
  }
}

bool IsDropped(char32_t cp) {
  return (cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 || cp == 0xFEFF ||
         cp == 0xAD || cp == kReplacement;
}

bool IsThai(char32_t cp) { return cp >= 0x0E01 && cp <= 0x0E5B; }
bool IsToneMark(char32_t cp) { return cp >= 0x0E48 && cp <= 0x0E4B; }

// Output state of NormalizeThai: the last two code points written.
struct NormalizeState {
  std::string out;
  char32_t last = 0;
  char32_t before_last = 0;
  bool pending_space = false;
};

// Writes SARA AA, joining it with a preceding NIKHAHIT (optionally with a
// tone mark between: the decomposed and the PDF-split forms of SARA AM).
void EmitSaraAa(NormalizeState* s) {
  if (s->last == kThaiNikhahit) {
    s->out.resize(s->out.size() - 3);
    AppendUtf8(kThaiSaraAm, &s->out);
    s->before_last = 0;
    s->last = kThaiSaraAm;
    return;
  }
  if (IsToneMark(s->last) && s->before_last == kThaiNikhahit) {
    const char32_t tone = s->last;
    s->out.resize(s->out.size() - 6);
    AppendUtf8(tone, &s->out);
    AppendUtf8(kThaiSaraAm, &s->out);
    s->before_last = tone;
    s->last = kThaiSaraAm;
    return;
  }
  AppendUtf8(kThaiSaraAa, &s->out);
  s->before_last = s->last;
  s->last = kThaiSaraAa;
}

void Emit(char32_t cp, NormalizeState* s) {
  if (cp >= 0x0E50 && cp <= 0x0E59) cp = '0' + (cp - 0x0E50);
  if (s->pending_space) {
    s->pending_space = false;
    if (!s->out.empty() && !(IsThai(s->last) && IsThai(cp))) {
      s->out.push_back(' ');
      s->before_last = s->last;
      s->last = ' ';
    }
  }
  if (cp == kThaiSaraAa) return EmitSaraAa(s);
  AppendUtf8(cp, &s->out);
  s->before_last = s->last;
  s->last = cp;
}

}  // namespace

std::string NormalizeThai(std::string_view text) {
  NormalizeState s;
  s.out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    size_t len = 1;
    const char32_t cp = DecodeAt(text, i, &len);
    i += len;
    if (IsSpace(cp)) {
      s.pending_space = true;
    } else if (!IsDropped(cp)) {
      Emit(cp, &s);
    }
  }
  return s.out;
}

std::string SanitizeUtf8(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  size_t i = 0;
  while (i < bytes.size()) {
    if (static_cast<uint8_t>(bytes[i]) < 0x80) {
      out.push_back(bytes[i++]);
      continue;
    }
    size_t len = 1;
    const char32_t cp = DecodeAt(bytes, i, &len);
    AppendUtf8(cp, &out);  // U+FFFD for an invalid subpart
    i += len;
  }
  return out;
}

std::string TruncateUtf8(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  size_t cut = max_bytes;
  // Back up over at most 3 continuation bytes to a sequence start.
  for (int k = 0;
       k < 3 && cut > 0 && (static_cast<uint8_t>(text[cut]) & 0xC0) == 0x80;
       ++k) {
    --cut;
  }
  return std::string(text.substr(0, cut));
}

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string PercentDecode(std::string_view text) {
  std::string raw;
  raw.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      const int hi = HexValue(text[i + 1]);
      const int lo = HexValue(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        raw.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    raw.push_back(text[i]);
  }
  return SanitizeUtf8(raw);
}

namespace {

size_t CountOf(std::string_view text, std::string_view word) {
  size_t n = 0;
  for (size_t at = text.find(word); at != std::string_view::npos;
       at = text.find(word, at + word.size())) {
    ++n;
  }
  return n;
}

void ReplaceAllIn(std::string* s, std::string_view from, std::string_view to) {
  for (size_t at = s->find(from); at != std::string::npos;
       at = s->find(from, at + to.size())) {
    s->replace(at, from.size(), to);
  }
}

}  // namespace

std::string RepairSwappedSaraAm(std::string_view normalized) {
  // (swapped form, real form): the swapped forms are not Thai words.
  static constexpr std::string_view kMarkers[][2] = {
      {"กำร", "การ"}, {"ควำม", "ความ"}, {"ตำม", "ตาม"},
      {"รำช", "ราช"}, {"งำน", "งาน"},   {"ลงนำม", "ลงนาม"}};
  size_t swapped = 0, real = 0;
  for (const auto& m : kMarkers) {
    swapped += CountOf(normalized, m[0]);
    real += CountOf(normalized, m[1]);
  }
  if (swapped < 2 || swapped <= real) return std::string(normalized);
  std::string out(normalized);
  ReplaceAllIn(&out, "ำ", "า");  // U+0E33 -> U+0E32
  // Words that really hold sara am, in their sara-aa spelling -> real one.
  static constexpr std::string_view kRealSaraAm[][2] = {
      {"ประจา", "ประจำ"},   {"สานัก", "สำนัก"},   {"ดาเนิน", "ดำเนิน"},
      {"จานวน", "จำนวน"},   {"กาหนด", "กำหนด"},   {"สาคัญ", "สำคัญ"},
      {"คาสั่ง", "คำสั่ง"},   {"คาขอ", "คำขอ"},     {"คาร้อง", "คำร้อง"},
      {"จาเป็น", "จำเป็น"},   {"ตาแหน่ง", "ตำแหน่ง"}, {"อานาจ", "อำนาจ"},
      {"อานวย", "อำนวย"},   {"ชาระ", "ชำระ"},     {"กากับ", "กำกับ"},
      {"บารุง", "บำรุง"},    {"ลาดับ", "ลำดับ"},    {"สารวจ", "สำรวจ"},
      {"จัดทา", "จัดทำ"},    {"ทางาน", "ทำงาน"},   {"นาเสนอ", "นำเสนอ"},
      {"คาแนะนา", "คำแนะนำ"}};
  for (const auto& w : kRealSaraAm) ReplaceAllIn(&out, w[0], w[1]);
  return out;
}

}  // namespace oitwatch
