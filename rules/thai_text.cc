// Thai text normalisation: byte-level loops, no regex (runs on every page).
#include "rules/thai_text.h"

#include <cstdint>
#include <cstring>

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

// NormalizeThai's output: written in place into a buffer as large as the
// input (the output is never longer: spaces collapse, Thai digits shrink,
// dropped code points vanish, and a valid sequence is copied as it came),
// with the last two code points written.
// The code point of the Thai-block character (U+0E00..U+0E7F) at text[i].
char32_t ThaiBlockAt(std::string_view text, size_t i) {
  return ((static_cast<uint8_t>(text[i + 1]) & 0x3F) << 6) |
         (static_cast<uint8_t>(text[i + 2]) & 0x3F);
}

class NormalizeWriter {
 public:
  explicit NormalizeWriter(size_t capacity) : out_(capacity, '\0') {}

  void Space() { pending_space_ = true; }

  // Writes `cp`, whose UTF-8 form is `bytes` (as in the input).
  void Put(char32_t cp, const char* bytes, size_t len) {
    if (pending_space_) {
      pending_space_ = false;
      if (size_ > 0 && !(IsThai(last_) && IsThai(cp))) Write(' ', " ", 1);
    }
    if (cp == kThaiSaraAa) return PutSaraAa();
    Write(cp, bytes, len);
  }

  // Put for a character that is neither SARA AA nor after a pending space
  // (most of a text): no joining to consider.
  void PutPlain(char32_t cp, const char* bytes, size_t len) {
    if (pending_space_ || cp == kThaiSaraAa) return Put(cp, bytes, len);
    Write(cp, bytes, len);
  }

  // Copies the Thai-block characters of text[i..] that Put would write as
  // they came, in one go, and returns the index after them (i if none):
  // no space is pending, and each is neither a Thai digit nor NIKHAHIT,
  // nor a SARA AA that could join a NIKHAHIT (one of the first two of the
  // run, whose predecessors were written before it). Most of a Thai text.
  size_t PutThaiRun(std::string_view text, size_t i) {
    if (pending_space_) return i;
    const size_t start = i;
    while (i + 2 < text.size()) {
      const auto b0 = static_cast<uint8_t>(text[i]);
      const auto b1 = static_cast<uint8_t>(text[i + 1]);
      const auto b2 = static_cast<uint8_t>(text[i + 2]);
      if (b0 != 0xE0 || (b1 & 0xFE) != 0xB8 || (b2 & 0xC0) != 0x80) break;
      if (b1 == 0xB9) {  // U+0E40..: Thai digits U+0E50-9, NIKHAHIT U+0E4D
        if ((b2 >= 0x90 && b2 <= 0x99) || b2 == 0x8D) break;
      } else if (b2 == 0xB2 && i - start < 6) {  // SARA AA U+0E32
        break;
      }
      i += 3;
    }
    if (i == start) return i;
    std::memcpy(out_.data() + size_, text.data() + start, i - start);
    size_ += i - start;
    before_last_ = i - start >= 6 ? ThaiBlockAt(text, i - 6) : last_;
    last_ = ThaiBlockAt(text, i - 3);
    return i;
  }

  std::string Take() && {
    out_.resize(size_);
    return std::move(out_);
  }

 private:
  static constexpr char kSaraAm[] = "\xE0\xB8\xB3";  // U+0E33 in UTF-8

  void Write(char32_t cp, const char* bytes, size_t len) {
    std::memcpy(out_.data() + size_, bytes, len);
    size_ += len;
    before_last_ = last_;
    last_ = cp;
  }

  // SARA AA, joined with a preceding NIKHAHIT (optionally with a tone mark
  // between: the decomposed and the PDF-split forms of SARA AM).
  void PutSaraAa() {
    if (last_ == kThaiNikhahit) {
      size_ -= 3;
      std::memcpy(out_.data() + size_, kSaraAm, 3);
      size_ += 3;
      before_last_ = 0;
      last_ = kThaiSaraAm;
      return;
    }
    if (IsToneMark(last_) && before_last_ == kThaiNikhahit) {
      const char32_t tone = last_;
      char tone_bytes[3];
      std::memcpy(tone_bytes, out_.data() + size_ - 3, 3);
      size_ -= 6;
      std::memcpy(out_.data() + size_, tone_bytes, 3);
      std::memcpy(out_.data() + size_ + 3, kSaraAm, 3);
      size_ += 6;
      before_last_ = tone;
      last_ = kThaiSaraAm;
      return;
    }
    Write(kThaiSaraAa, "\xE0\xB8\xB2", 3);
  }

  std::string out_;
  size_t size_ = 0;
  char32_t last_ = 0;
  char32_t before_last_ = 0;
  bool pending_space_ = false;
};

bool IsAsciiSpace(uint8_t b) {
  return b == ' ' || (b >= '\t' && b <= '\r');
}

}  // namespace

std::string NormalizeThai(std::string_view text) {
  NormalizeWriter w(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const auto b = static_cast<uint8_t>(text[i]);
    if (b < 0x80) {
      if (IsAsciiSpace(b)) {
        w.Space();
      } else {
        w.PutPlain(b, &text[i], 1);
      }
      ++i;
      continue;
    }
    if (b == 0xE0) {
      const size_t end = w.PutThaiRun(text, i);
      if (end != i) {
        i = end;
        continue;
      }
    }
    if (b == 0xE0 && i + 2 < text.size() &&
        (static_cast<uint8_t>(text[i + 1]) & 0xFE) == 0xB8 &&
        (static_cast<uint8_t>(text[i + 2]) & 0xC0) == 0x80) {
      // The Thai block (U+0E00..U+0E7F): never a space, never dropped.
      const char32_t cp = ((static_cast<uint8_t>(text[i + 1]) & 0x3F) << 6) |
                          (static_cast<uint8_t>(text[i + 2]) & 0x3F);
      if (cp >= 0x0E50 && cp <= 0x0E59) {  // Thai digit -> ASCII digit
        const char digit = static_cast<char>('0' + (cp - 0x0E50));
        w.Put(static_cast<char32_t>(digit), &digit, 1);
      } else {
        w.PutPlain(cp, &text[i], 3);
      }
      i += 3;
      continue;
    }
    size_t len = 1;
    char32_t cp = DecodeAt(text, i, &len);
    if (IsSpace(cp)) {
      w.Space();
    } else if (!IsDropped(cp)) {
      if (cp >= 0x0E50 && cp <= 0x0E59) {  // Thai digit -> ASCII digit
        const char digit = static_cast<char>('0' + (cp - 0x0E50));
        w.Put(static_cast<char32_t>(digit), &digit, 1);
      } else {
        w.Put(cp, &text[i], len);  // valid UTF-8: copied as it came
      }
    }
    i += len;
  }
  return std::move(w).Take();
}

std::vector<std::string> NormalizeThaiLines(std::string_view text,
                                            std::string* joined) {
  std::vector<std::string> lines;
  joined->clear();
  // The lines are never longer than they came, nor the separators: one
  // allocation instead of growing a page's text by doubling.
  joined->reserve(text.size());
  bool exact = true;
  char32_t last = 0;  // the last code point of *joined
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string line = NormalizeThai(text.substr(start, end - start));
    start = end + 1;
    if (line.empty()) continue;
    size_t len = 1;
    const char32_t first = DecodeAt(line, 0, &len);
    // SARA AA at a line's start, or after a tone mark there, may join a
    // NIKHAHIT on the line before: then normalise the whole text instead.
    if (first == kThaiSaraAa || IsToneMark(first)) exact = false;
    if (exact) {
      if (!joined->empty() && !(IsThai(last) && IsThai(first))) {
        joined->push_back(' ');
      }
      joined->append(line);
      size_t at = line.size() - 1;  // back to the last sequence's start
      while (at > 0 && (static_cast<uint8_t>(line[at]) & 0xC0) == 0x80) --at;
      last = DecodeAt(line, at, &len);
    }
    lines.push_back(std::move(line));
  }
  if (!exact) *joined = NormalizeThai(text);
  return lines;
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
