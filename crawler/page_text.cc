// PageTextFingerprint (page_text.h): one pass over the page, a byte class
// table, Thai letters 16 bytes at a time where SSE2 is there, and the
// normalised text hashed with XXH3 in blocks (not a hash call per token).
#include "crawler/page_text.h"

#include <algorithm>
#include <array>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

// Header-only (static inline): no library to link for the crawler.
#define XXH_INLINE_ALL
#include <xxhash.h>

namespace oitwatch {
namespace {

// What a byte may begin, for PageTextFingerprint: a word (ASCII letters
// and digits; a Thai digit, U+0E50-0E59, is UTF-8 E0 B9 90-99 and begins
// with kLead), white space, markup, or other text.
enum ByteClass : uint8_t { kOther, kWord, kDigit, kSpace, kMarkup, kLead };

constexpr std::array<uint8_t, 256> MakeByteClasses() {
  std::array<uint8_t, 256> classes{};
  for (int c = 'a'; c <= 'z'; ++c) classes[c] = kWord;
  for (int c = 'A'; c <= 'Z'; ++c) classes[c] = kWord;
  for (int c = '0'; c <= '9'; ++c) classes[c] = kDigit;
  for (char c : {' ', '\t', '\n', '\r', '\f'})
    classes[static_cast<uint8_t>(c)] = kSpace;
  classes['<'] = kMarkup;
  classes[0xE0] = kLead;
  return classes;
}
constexpr std::array<uint8_t, 256> kByteClasses = MakeByteClasses();

ByteClass ClassOf(char c) {
  return static_cast<ByteClass>(kByteClasses[static_cast<uint8_t>(c)]);
}

// A Thai digit at s[i] (whose byte is 0xE0).
bool ThaiDigitAt(std::string_view s, size_t i) {
  return i + 2 < s.size() && s[i + 1] == '\xB9' &&
         static_cast<uint8_t>(s[i + 2] - '\x90') < 10;
}

bool IsWordByte(char c) {
  const ByteClass k = ClassOf(c);
  return k == kWord || k == kDigit;
}

// True if s[at..] begins with `lower` (lower-case letters) in any case.
bool HasNameAt(std::string_view s, size_t at, std::string_view lower) {
  if (s.size() - at < lower.size()) return false;
  for (size_t k = 0; k < lower.size(); ++k) {
    if ((s[at + k] | 0x20) != lower[k]) return false;  // letters only
  }
  return true;
}

// Where `s` has "</name" in any case (`name` lower-case), from `from`;
// npos if nowhere.
size_t FindEndTag(std::string_view s, size_t from, std::string_view name) {
  for (size_t at = s.find("</", from); at != std::string_view::npos;
       at = s.find("</", at + 2)) {
    if (HasNameAt(s, at + 2, name)) return at;
  }
  return std::string_view::npos;
}

// The end of the markup (tag, comment, <script> or <style> element) that
// starts at s[at] == '<'; `at` itself if that '<' is text.
size_t SkipMarkup(std::string_view s, size_t at) {
  const char next = at + 1 < s.size() ? s[at + 1] : ' ';
  if (next == '!' && s.substr(at + 2, 2) == std::string_view("--")) {
    const size_t end = s.find("-->", at + 4);
    return end == std::string_view::npos ? s.size() : end + 3;
  }
  if (ClassOf(next) != kWord && next != '/' && next != '!' && next != '?') {
    return at;
  }
  size_t from = at + 1;
  if ((next | 0x20) == 's') {  // <script> and <style> hold no text
    for (std::string_view raw : {"script", "style"}) {
      if (!HasNameAt(s, at + 1, raw)) continue;
      const size_t after = at + 1 + raw.size();
      if (after < s.size() && IsWordByte(s[after])) continue;  // <styles>
      from = FindEndTag(s, after, raw);
      if (from == std::string_view::npos) return s.size();
      break;
    }
  }
  const size_t end = s.find('>', from);
  return end == std::string_view::npos ? s.size() : end + 1;
}

// The normalised text as one byte stream, hashed with XXH3 as it grows:
// each token's bytes (a word, '#', a run of other characters), then its
// length and whether a space came before it, as a varint read from its
// end (so no two token lists make the same stream). Buffered here: one
// hash call per few KiB, not one per token.
class TextHash {
 public:
  TextHash() { XXH3_64bits_reset(&state_); }
  TextHash(const TextHash&) = delete;
  TextHash& operator=(const TextHash&) = delete;

  void Space() { space_ = any_; }
  void Token(std::string_view bytes) {
    Append(bytes);
    // Then len * 2 + space in 7-bit groups, most significant first, all
    // but the first flagged 0x80: read from the end, it says where the
    // token begins. A token has at most kMaxScan (2^19) bytes: 3 groups.
    const uint32_t v =
        static_cast<uint32_t>(bytes.size() * 2) + (space_ ? 1 : 0);
    if (sizeof(buf_) - used_ < 3) Flush();
    if (v >= 1u << 14) buf_[used_++] = static_cast<char>(v >> 14);
    if (v >= 1u << 7) {
      buf_[used_++] =
          static_cast<char>((v >> 7 & 0x7F) | (v >= 1u << 14 ? 0x80 : 0));
    }
    buf_[used_++] = static_cast<char>((v & 0x7F) | (v >= 1u << 7 ? 0x80 : 0));
    space_ = false;
    any_ = true;
  }
  uint64_t value() {
    Flush();
    return XXH3_64bits_digest(&state_);
  }

 private:
  void Flush() {
    XXH3_64bits_update(&state_, buf_, used_);
    used_ = 0;
  }
  void Append(std::string_view bytes) {
    if (bytes.size() > sizeof(buf_) - used_) {
      Flush();
      if (bytes.size() > sizeof(buf_)) {  // a long run: hashed where it is
        XXH3_64bits_update(&state_, bytes.data(), bytes.size());
        return;
      }
    }
    std::memcpy(buf_ + used_, bytes.data(), bytes.size());
    used_ += bytes.size();
  }

  XXH3_state_t state_;
  char buf_[8192];
  size_t used_ = 0;
  bool space_ = false;
  bool any_ = false;
};

// The end of the word at s[at] (a letter, a digit or a Thai digit); sets
// `numeric` if it holds a digit.
size_t EndOfWord(std::string_view s, size_t at, bool* numeric) {
  bool digit = false;
  while (at < s.size()) {
    const ByteClass c = ClassOf(s[at]);
    if (c == kWord) {
      ++at;
    } else if (c == kDigit) {
      digit = true;
      ++at;
    } else if (c == kLead && ThaiDigitAt(s, at)) {
      digit = true;
      at += 3;
    } else {
      break;
    }
  }
  *numeric = digit;
  return at;
}

// Thai letters 16 bytes at a time, for EndOfOther from s[at] (where its
// walk is): the end of the last block that holds no ASCII byte, no Thai
// digit and no 0xE0 within a letter (then the walk, which takes each 0xE0
// and the 2 bytes after it whole, and any other such byte alone, stops
// nowhere in it and sees every 0xE0 in it); `at` if none.
size_t SkipThaiBlocks(std::string_view s, size_t at) {
#if defined(__SSE2__)
  const auto load = [&s](size_t i) {
    return _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
  };
  const __m128i e0 = _mm_set1_epi8('\xE0');
  while (at + 18 <= s.size()) {  // 16 bytes, and a letter from the last
    const __m128i v = load(at), v1 = load(at + 1), v2 = load(at + 2);
    if (_mm_movemask_epi8(v) != 0xFFFF) break;  // an ASCII byte
    const __m128i lead = _mm_cmpeq_epi8(v, e0);
    const __m128i d = _mm_sub_epi8(v2, _mm_set1_epi8('\x90'));
    const __m128i digit =
        _mm_and_si128(_mm_cmpeq_epi8(v1, _mm_set1_epi8('\xB9')),
                      _mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(9)), d));
    const __m128i inner =
        _mm_or_si128(_mm_cmpeq_epi8(v1, e0), _mm_cmpeq_epi8(v2, e0));
    if (_mm_movemask_epi8(_mm_and_si128(lead, _mm_or_si128(digit, inner)))) {
      break;
    }
    // A letter that begins in the block's last 2 bytes ends past it.
    const int leads = _mm_movemask_epi8(lead);
    at += (leads & 0x8000) ? 18 : (leads & 0x4000) ? 17 : 16;
  }
#endif
  return at;
}

// The end of the run of other text (Thai letters, punctuation) at s[at],
// which is no word, space or markup: a Thai letter (or any 0xE0 byte that
// begins no Thai digit) is taken whole, 3 bytes.
size_t EndOfOther(std::string_view s, size_t at) {
  at += s[at] == '\xE0' ? 3 : 1;
  while (at < s.size()) {
    at = SkipThaiBlocks(s, at);
    // Byte by byte past the block that stopped it (or to the run's end).
    for (const size_t until = at + 16; at < s.size() && at < until;) {
      const char b = s[at];
      if (b == '\xE0') {
        if (ThaiDigitAt(s, at)) return at;
        at += 3;
      } else if (ClassOf(b) == kOther) {
        ++at;
      } else {
        return at;
      }
    }
  }
  return std::min(at, s.size());
}

}  // namespace

uint64_t PageTextFingerprint(std::string_view html) {
  constexpr size_t kMaxScan = 512 * 1024;
  const std::string_view s = html.substr(0, kMaxScan);
  TextHash text;
  for (size_t i = 0; i < s.size();) {
    ByteClass c = ClassOf(s[i]);
    if (c == kMarkup) {
      const size_t end = SkipMarkup(s, i);
      if (end != i) {  // markup separates words as space does
        text.Space();
        i = end;
        continue;
      }
      c = kOther;  // a '<' that opens no tag is text
    } else if (c == kLead) {
      c = ThaiDigitAt(s, i) ? kDigit : kOther;
    }
    if (c == kSpace) {
      text.Space();
      ++i;
    } else if (c == kOther) {
      const size_t end = EndOfOther(s, i);
      text.Token(s.substr(i, end - i));
      i = end;
    } else {
      bool numeric = false;
      const size_t end = EndOfWord(s, i, &numeric);
      text.Token(numeric ? "#" : s.substr(i, end - i));
      i = end;
    }
  }
  return text.value();
}

}  // namespace oitwatch
