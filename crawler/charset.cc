#include "crawler/charset.h"

#include <iconv.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>

namespace oitwatch {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
constexpr size_t kMetaPrescanBytes = 1024;

char AsciiLower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = AsciiLower(c);
  return out;
}

std::string_view TrimLabel(std::string_view text) {
  const char* kSpace = " \t\r\n\f\"'";
  const size_t begin = text.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) return {};
  const size_t end = text.find_last_not_of(kSpace);
  return text.substr(begin, end - begin + 1);
}

struct Label {
  const char* label;
  const char* encoding;
};

// WHATWG Encoding labels for what Thai government sites actually send.
// TIS-620 and ISO-8859-11 decode as windows-874 (a superset; glibc's TIS-620
// rejects 0x80 and 0x96); Latin-1 and ASCII are windows-1252 per WHATWG.
constexpr Label kLabels[] = {
    {"utf-8", "utf-8"},
    {"utf8", "utf-8"},
    {"unicode-1-1-utf-8", "utf-8"},
    {"windows-874", "windows-874"},
    {"x-windows-874", "windows-874"},
    {"dos-874", "windows-874"},
    {"cp874", "windows-874"},
    {"tis-620", "windows-874"},
    {"tis620", "windows-874"},
    {"iso-8859-11", "windows-874"},
    {"iso8859-11", "windows-874"},
    {"iso885911", "windows-874"},
    {"windows-1252", "windows-1252"},
    {"cp1252", "windows-1252"},
    {"iso-8859-1", "windows-1252"},
    {"iso8859-1", "windows-1252"},
    {"latin1", "windows-1252"},
    {"l1", "windows-1252"},
    {"us-ascii", "windows-1252"},
    {"ascii", "windows-1252"},
    {"utf-16", "utf-16le"},
    {"utf-16le", "utf-16le"},
    {"utf-16be", "utf-16be"},
    {"gbk", "gbk"},
    {"gb2312", "gbk"},
    {"big5", "big5"},
    {"shift_jis", "shift_jis"},
    {"euc-jp", "euc-jp"},
    {"euc-kr", "euc-kr"},
    {"windows-1251", "windows-1251"},
};

// Length of the valid UTF-8 sequence at text[i], 0 if invalid (overlongs,
// surrogates and code points above U+10FFFF are invalid).
size_t Utf8SequenceLength(std::string_view text, size_t i) {
  const auto byte = [&](size_t k) {
    return static_cast<unsigned char>(text[k]);
  };
  const unsigned char c = byte(i);
  if (c < 0x80) return 1;
  size_t length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
  if (length == 0 || c > 0xF4 || i + length > text.size()) return 0;
  for (size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  }
  const unsigned char second = byte(i + 1);
  if (c == 0xE0 && second < 0xA0) return 0;  // overlong
  if (c == 0xED && second > 0x9F) return 0;  // surrogate
  if (c == 0xF0 && second < 0x90) return 0;  // overlong
  if (c == 0xF4 && second > 0x8F) return 0;  // above U+10FFFF
  return length;
}

// Position of the first byte >= 0x80 at or after text[i], text.size() if
// none: eight bytes at a time (most of a page is ASCII markup).
size_t AsciiEnd(std::string_view text, size_t i) {
  constexpr uint64_t kHighBits = 0x8080808080808080u;
  for (; i + 8 <= text.size(); i += 8) {
    uint64_t x;
    std::memcpy(&x, text.data() + i, 8);
    if ((x & kHighBits) == 0) continue;
    if constexpr (std::endian::native == std::endian::little) {
      return i + std::countr_zero(x & kHighBits) / 8;
    }
    break;
  }
  while (i < text.size() && static_cast<unsigned char>(text[i]) < 0x80) ++i;
  return i;
}

bool IsThaiLetterAt(std::string_view text, size_t i) {
  return i + 2 < text.size() && text[i] == '\xE0' &&
         (static_cast<unsigned char>(text[i + 1]) & 0xFE) == 0xB8 &&
         (static_cast<unsigned char>(text[i + 2]) & 0xC0) == 0x80;
}

// End of the run of Thai letters (U+0E00..U+0E7F: E0 B8|B9 80..BF) that
// starts at text[i]; four letters at a time (Thai is most of a Thai page).
size_t ThaiLettersEnd(std::string_view text, size_t i) {
  if constexpr (std::endian::native == std::endian::little) {
    // Bytes 0-7 and 4-11 of four letters, masked, as little-endian words.
    constexpr uint64_t kMaskLow = 0xFEFFC0FEFFC0FEFFu;
    constexpr uint64_t kLow = 0xB8E080B8E080B8E0u;
    constexpr uint64_t kMaskHigh = 0xC0FEFFC0FEFFC0FEu;
    constexpr uint64_t kHigh = 0x80B8E080B8E080B8u;
    for (; i + 12 <= text.size(); i += 12) {
      uint64_t low, high;
      std::memcpy(&low, text.data() + i, 8);
      std::memcpy(&high, text.data() + i + 4, 8);
      if ((((low & kMaskLow) ^ kLow) | ((high & kMaskHigh) ^ kHigh)) != 0) {
        break;
      }
    }
  }
  while (IsThaiLetterAt(text, i)) i += 3;
  return i;
}

// End of the valid UTF-8 that starts at text[i]: the position of the first
// byte that starts no valid sequence, text.size() if there is none.
size_t ValidUtf8End(std::string_view text, size_t i) {
  while (i < text.size()) {
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      i = AsciiEnd(text, i + 1);
      continue;
    }
    const size_t thai = ThaiLettersEnd(text, i);
    if (thai != i) {
      i = thai;
      continue;
    }
    const size_t length = Utf8SequenceLength(text, i);
    if (length == 0) return i;
    i += length;
  }
  return text.size();
}

bool IsValidUtf8(std::string_view text) {
  return ValidUtf8End(text, 0) == text.size();
}

bool HasNonAscii(std::string_view text) {
  return AsciiEnd(text, 0) != text.size();
}

// Copies valid UTF-8 through and replaces each bad byte with U+FFFD. Valid
// runs are found first and appended whole (a page is almost always one run).
std::string SanitizeUtf8(std::string_view text, bool* had_errors) {
  size_t end = ValidUtf8End(text, 0);
  if (end == text.size()) return std::string(text);
  std::string out;
  out.reserve(text.size() + 2 * kReplacement.size());
  for (size_t run = 0;; end = ValidUtf8End(text, run)) {
    out.append(text.substr(run, end - run));
    if (end == text.size()) break;
    out += kReplacement;
    *had_errors = true;
    run = end + 1;
  }
  return out;
}

struct IconvCloser {
  iconv_t cd;
  ~IconvCloser() { iconv_close(cd); }
};

// Converts `in` from `from` (an iconv name) to UTF-8; each undecodable unit
// of `unit` bytes becomes U+FFFD. Returns false if any unit was replaced.
bool IconvToUtf8(std::string_view in, const char* from, size_t unit,
                 std::string* out) {
  iconv_t cd = iconv_open("UTF-8", from);
  if (cd == reinterpret_cast<iconv_t>(-1)) {
    bool ignored = false;
    *out = SanitizeUtf8(in, &ignored);
    return false;
  }
  IconvCloser closer{cd};
  char* input = const_cast<char*>(in.data());
  size_t input_left = in.size();
  bool clean = true;
  char buffer[8192];
  while (input_left > 0) {
    char* output = buffer;
    size_t output_left = sizeof(buffer);
    const size_t rc = iconv(cd, &input, &input_left, &output, &output_left);
    out->append(buffer, sizeof(buffer) - output_left);
    if (rc != static_cast<size_t>(-1) || errno == E2BIG) continue;
    *out += kReplacement;
    clean = false;
    const size_t skip = std::min(unit, input_left);  // EILSEQ or EINVAL
    input += skip;
    input_left -= skip;
  }
  return clean;
}

// A stateless single-byte encoding as a table of 256 UTF-8 strings, each
// built by asking iconv for that one byte (U+FFFD where iconv refuses it),
// so decoding through the table gives exactly what iconv gives, without a
// converter per page (iconv was most of the cost of a windows-874 page).
class SingleByteTable {
 public:
  explicit SingleByteTable(const char* iconv_name) {
    iconv_t cd = iconv_open("UTF-8", iconv_name);
    if (cd == reinterpret_cast<iconv_t>(-1)) return;
    IconvCloser closer{cd};
    ascii_kept_ = true;
    for (int b = 0; b < 256; ++b) {
      if (!Ask(cd, b)) {
        std::memcpy(utf8_[b], kReplacement.data(), kReplacement.size());
        length_[b] = kReplacement.size();
        refused_[b] = true;
      }
      if (b < 0x80 &&
          (length_[b] != 1 || utf8_[b][0] != static_cast<char>(b))) {
        ascii_kept_ = false;
      }
    }
    ok_ = true;
  }

  bool ok() const { return ok_; }

  // Appends `in` decoded to *out. Returns false if any byte was replaced
  // with U+FFFD. ASCII runs are copied whole where the encoding keeps them.
  bool Decode(std::string_view in, std::string* out) const {
    const size_t start = out->size();
    // Each byte writes 4 (its entry) and keeps at most 3 of them.
    out->resize(start + in.size() * 3 + 1);
    char* const begin = out->data() + start;
    char* to = begin;
    bool refused = false;
    for (size_t i = 0; i < in.size();) {
      if (ascii_kept_) {
        const size_t end = AsciiEnd(in, i);
        std::memcpy(to, in.data() + i, end - i);
        to += end - i;
        i = end;
      }
      for (; i < in.size(); ++i) {
        const auto b = static_cast<unsigned char>(in[i]);
        if (b < 0x80 && ascii_kept_) break;
        std::memcpy(to, utf8_[b], 4);
        to += length_[b];
        refused |= refused_[b];
      }
    }
    out->resize(start + static_cast<size_t>(to - begin));
    return !refused;
  }

 private:
  // Asks iconv for byte b into utf8_[b]; false if it refuses the byte.
  bool Ask(iconv_t cd, int b) {
    iconv(cd, nullptr, nullptr, nullptr, nullptr);  // reset the state
    char in = static_cast<char>(b);
    char* input = &in;
    char* output = utf8_[b];
    size_t input_left = 1, output_left = 3;  // a BMP code point at most
    if (iconv(cd, &input, &input_left, &output, &output_left) ==
            static_cast<size_t>(-1) ||
        input_left != 0 || output_left == 3) {
      return false;
    }
    length_[b] = static_cast<unsigned char>(3 - output_left);
    return true;
  }

  bool ok_ = false;
  bool ascii_kept_ = false;  // every byte < 0x80 decodes to itself
  char utf8_[256][4] = {};   // the UTF-8 of each byte (U+FFFD if refused)
  unsigned char length_[256] = {};
  bool refused_[256] = {};  // iconv refuses the byte
};

// The table of a single-byte encoding; null for the others (multi-byte and
// UTF-16 go through iconv).
const SingleByteTable* TableFor(const std::string& encoding) {
  if (encoding == "windows-874") {
    static const SingleByteTable table("WINDOWS-874");
    return table.ok() ? &table : nullptr;
  }
  if (encoding == "windows-1252") {
    static const SingleByteTable table("WINDOWS-1252");
    return table.ok() ? &table : nullptr;
  }
  if (encoding == "windows-1251") {
    static const SingleByteTable table("WINDOWS-1251");
    return table.ok() ? &table : nullptr;
  }
  return nullptr;
}

const char* IconvName(const std::string& encoding) {
  if (encoding == "windows-874") return "WINDOWS-874";
  if (encoding == "windows-1252") return "WINDOWS-1252";
  if (encoding == "windows-1251") return "WINDOWS-1251";
  if (encoding == "utf-16le") return "UTF-16LE";
  if (encoding == "utf-16be") return "UTF-16BE";
  if (encoding == "shift_jis") return "SHIFT_JIS";
  if (encoding == "euc-jp") return "EUC-JP";
  if (encoding == "euc-kr") return "EUC-KR";
  if (encoding == "big5") return "BIG5";
  if (encoding == "gbk") return "GBK";
  return "UTF-8";
}

// Decodes with a canonical encoding; returns false if bytes were replaced.
bool DecodeAs(std::string_view body, const std::string& encoding,
              std::string* out) {
  if (encoding == "utf-8") {
    bool had_errors = false;
    *out = SanitizeUtf8(body, &had_errors);
    return !had_errors;
  }
  if (const SingleByteTable* table = TableFor(encoding)) {
    out->clear();
    return table->Decode(body, out);
  }
  const size_t unit = encoding.rfind("utf-16", 0) == 0 ? 2 : 1;
  return IconvToUtf8(body, IconvName(encoding), unit, out);
}

// The value after "charset=" in `text` (already lower-case), "" if none.
std::string CharsetParameter(std::string_view text) {
  size_t at = text.find("charset");
  while (at != std::string_view::npos) {
    size_t i = at + 7;
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    if (i < text.size() && text[i] == '=') {
      std::string_view value = TrimLabel(text.substr(i + 1));
      const size_t end = value.find_first_of(";\"' \t>/");
      return std::string(TrimLabel(value.substr(0, end)));
    }
    at = text.find("charset", at + 7);
  }
  return "";
}

// WHATWG-style prescan of the first 1024 bytes for <meta charset> or
// <meta http-equiv content="...; charset=...">.
std::string MetaCharset(std::string_view body) {
  const std::string head = Lower(body.substr(0, kMetaPrescanBytes));
  size_t at = head.find("<meta");
  while (at != std::string::npos) {
    const size_t end = head.find('>', at);
    const std::string_view tag = std::string_view(head).substr(
        at, end == std::string::npos ? std::string::npos : end - at);
    const std::string label = CharsetParameter(tag);
    if (!label.empty()) return label;
    at = head.find("<meta", at + 5);
  }
  return "";
}

struct Bom {
  std::string_view bytes;
  const char* encoding;
};

const char* DetectBom(std::string_view body, size_t* length) {
  static const Bom kBoms[] = {{"\xEF\xBB\xBF", "utf-8"},
                              {"\xFE\xFF", "utf-16be"},
                              {"\xFF\xFE", "utf-16le"}};
  for (const Bom& bom : kBoms) {
    if (body.substr(0, bom.bytes.size()) == bom.bytes) {
      *length = bom.bytes.size();
      return bom.encoding;
    }
  }
  return nullptr;
}

// Windows-874 bytes that look like Thai text: nearly all high bytes are Thai
// letters (0xA1-0xFB) and come in runs (words), while Latin-1 accents and
// broken UTF-8 are isolated or outside that range. Needs a few samples.
bool LooksLikeThaiSingleByte(std::string_view body) {
  const auto high = [&](size_t i) {
    return i < body.size() && static_cast<unsigned char>(body[i]) >= 0x80;
  };
  size_t count = 0, in_runs = 0, thai = 0;
  for (size_t i = 0; i < body.size(); ++i) {
    if (!high(i)) continue;
    ++count;
    const unsigned char c = static_cast<unsigned char>(body[i]);
    if (c >= 0xA1 && c <= 0xFB) ++thai;
    if ((i > 0 && high(i - 1)) || high(i + 1)) ++in_runs;
  }
  return count >= 4 && in_runs * 10 >= count * 8 && thai * 10 >= count * 9;
}

// The declared encoding unless the bytes clearly say otherwise (a common
// mislabelling of Thai sites), in which case `inconsistent` is set.
DecodedText DecodeDeclared(std::string_view body, const std::string& encoding,
                           const char* source) {
  DecodedText result{"", encoding, source, false};
  const bool single_byte =
      encoding != "utf-8" && encoding.rfind("utf-16", 0) != 0;
  if (single_byte && HasNonAscii(body) && IsValidUtf8(body)) {
    result.encoding = "utf-8";  // UTF-8 bytes under a legacy label
    result.inconsistent = true;
  } else if (encoding == "windows-1252" && LooksLikeThaiSingleByte(body)) {
    std::string thai;
    if (DecodeAs(body, "windows-874", &thai)) {
      result.utf8 = std::move(thai);
      result.encoding = "windows-874";
      result.inconsistent = true;
      return result;
    }
  }
  if (DecodeAs(body, result.encoding, &result.utf8)) return result;
  result.inconsistent = true;
  std::string thai;
  if (result.encoding == "utf-8" && LooksLikeThaiSingleByte(body) &&
      DecodeAs(body, "windows-874", &thai)) {
    result.utf8 = std::move(thai);  // declared UTF-8, really windows-874
    result.encoding = "windows-874";
  }
  return result;
}

DecodedText Sniff(std::string_view body) {
  if (IsValidUtf8(body)) return {std::string(body), "utf-8", "sniff", false};
  DecodedText result{"", "windows-874", "default", false};
  DecodeAs(body, result.encoding, &result.utf8);
  return result;
}

}  // namespace

std::string CanonicalEncoding(std::string_view label) {
  const std::string key = Lower(TrimLabel(label));
  for (const Label& entry : kLabels) {
    if (key == entry.label) return entry.encoding;
  }
  return "";
}

std::string HeaderEncoding(std::string_view content_type) {
  return CanonicalEncoding(CharsetParameter(Lower(content_type)));
}

DecodedText DecodeToUtf8(std::string_view body, std::string_view content_type) {
  size_t bom_length = 0;
  if (const char* encoding = DetectBom(body, &bom_length)) {
    DecodedText result{"", encoding, "bom", false};
    result.inconsistent =
        !DecodeAs(body.substr(bom_length), encoding, &result.utf8);
    return result;
  }
  std::string encoding =
      CanonicalEncoding(CharsetParameter(Lower(content_type)));
  if (!encoding.empty()) return DecodeDeclared(body, encoding, "header");
  encoding = CanonicalEncoding(MetaCharset(body));
  // WHATWG: a <meta> claiming UTF-16 in ASCII-compatible bytes means UTF-8.
  if (encoding.rfind("utf-16", 0) == 0) encoding = "utf-8";
  if (!encoding.empty()) return DecodeDeclared(body, encoding, "meta");
  return Sniff(body);
}

}  // namespace oitwatch
