// Thai dates: a hand-written scanner over normalised UTF-8 text (no regex:
// it runs on every page and PDF). At each digit-run, word or Thai-character
// start it tries, in order: numeric dates, day + month + year, bare years
// (digits); "FY" and English months (ASCII letters); Thai months and year
// markers (Thai). The first form that matches is taken and scanning resumes
// after it.
#include "rules/thai_date.h"

#include <array>
#include <bitset>
#include <cstdint>
#include <cstring>

namespace oitwatch {
namespace {

constexpr size_t kNpos = std::string_view::npos;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
char Lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c | 0x20) : c;
}

// True if a Thai character (U+0E01-U+0E5B) starts at byte i. Inlined: it
// runs at every Thai character of a page, and the call cost more than it.
[[gnu::always_inline]] inline bool ThaiAt(std::string_view t, size_t i) {
  if (i + 2 >= t.size() || static_cast<uint8_t>(t[i]) != 0xE0) return false;
  const auto b1 = static_cast<uint8_t>(t[i + 1]);
  const auto b2 = static_cast<uint8_t>(t[i + 2]);
  return (b1 == 0xB8 && b2 >= 0x81) || (b1 == 0xB9 && b2 <= 0x9B);
}
bool ThaiBefore(std::string_view t, size_t i) {
  return i >= 3 && ThaiAt(t, i - 3);
}

// A byte loop, not substr().starts_with(): that is a memcmp call per try,
// and a Thai literal usually differs from the text at its third byte.
bool LitAt(std::string_view t, size_t i, std::string_view lit) {
  if (i > t.size() || t.size() - i < lit.size()) return false;
  for (size_t k = 0; k < lit.size(); ++k) {
    if (t[i + k] != lit[k]) return false;
  }
  return true;
}

bool LitAtNoCase(std::string_view t, size_t i, std::string_view lower_lit) {
  if (i + lower_lit.size() > t.size()) return false;
  for (size_t k = 0; k < lower_lit.size(); ++k) {
    if (Lower(t[i + k]) != lower_lit[k]) return false;
  }
  return true;
}

size_t SkipSpaces(std::string_view t, size_t i) {
  while (i < t.size() && (t[i] == ' ' || t[i] == '\t')) ++i;
  return i;
}

// Length of the digit run at i (value in *value, capped).
size_t DigitsAt(std::string_view t, size_t i, int* value) {
  size_t n = 0;
  *value = 0;
  while (i + n < t.size() && IsDigit(t[i + n])) {
    if (n < 9) *value = *value * 10 + (t[i + n] - '0');
    ++n;
  }
  return n;
}

// A digit run followed by ",d" or ".d" is part of an amount or a decimal.
bool ContinuesNumber(std::string_view t, size_t end) {
  return end + 1 < t.size() && (t[end] == ',' || t[end] == '.') &&
         IsDigit(t[end + 1]);
}

enum class Era { kAny, kCe };

// The BE year named by an n-digit number: four digits are BE 2500-2600 or
// CE 1990-2100 (converted); two digits are BE 25yy when yy >= min_two_digit
// (< 0: not allowed). Returns 0 for anything else.
int YearFromDigits(int v, size_t n, Era era, int min_two_digit) {
  if (n == 4 && era == Era::kAny && v >= 2500 && v <= 2600) return v;
  if (n == 4 && v >= 1990 && v <= 2100) return v + 543;
  if (n == 2 && era == Era::kAny && min_two_digit >= 0 && v >= min_two_digit) {
    return 2500 + v;
  }
  return 0;
}

// Reads a year (see YearFromDigits) that is not part of a longer number.
bool ReadYear(std::string_view t, size_t i, Era era, int min_two_digit,
              int* year_be, size_t* end) {
  int v = 0;
  const size_t n = DigitsAt(t, i, &v);
  if (n == 0 || ContinuesNumber(t, i + n)) return false;
  *year_be = YearFromDigits(v, n, era, min_two_digit);
  *end = i + n;
  return *year_be != 0;
}

// Matches a two-part Thai abbreviation "a.b." at i: dots optional, a space
// allowed after the first dot. Rejects parts of longer abbreviations
// ("ก.พ.ร.", "อ.ก.พ.") and, without dots, requires a non-Thai character
// before and a space or digit after.
bool MatchAbbr(std::string_view t, size_t i, std::string_view a,
               std::string_view b, size_t* end) {
  if (!LitAt(t, i, a)) return false;
  size_t p = i + a.size();
  const bool dot1 = p < t.size() && t[p] == '.';
  if (dot1 && LitAt(t, p + 1, " ") && LitAt(t, p + 2, b)) ++p;
  if (dot1) ++p;
  if (!LitAt(t, p, b)) return false;
  p += b.size();
  const bool dot2 = p < t.size() && t[p] == '.';
  if (dot2) ++p;
  if (ThaiAt(t, p)) return false;
  if (dot1 && i >= 4 && t[i - 1] == '.' && ThaiBefore(t, i - 1)) return false;
  if (!dot1 && !dot2 &&
      (ThaiBefore(t, i) || p >= t.size() || !(t[p] == ' ' || IsDigit(t[p])))) {
    return false;
  }
  *end = p;
  return true;
}

struct ThaiMonth {  // string_view: no strlen per comparison (hot loop)
  std::string_view full;
  std::string_view abbr_a;
  std::string_view abbr_b;
};
constexpr std::array<ThaiMonth, 12> kThaiMonths = {{
    {"มกราคม", "ม", "ค"},
    {"กุมภาพันธ์", "ก", "พ"},
    {"มีนาคม", "มี", "ค"},
    {"เมษายน", "เม", "ย"},
    {"พฤษภาคม", "พ", "ค"},
    {"มิถุนายน", "มิ", "ย"},
    {"กรกฎาคม", "ก", "ค"},
    {"สิงหาคม", "ส", "ค"},
    {"กันยายน", "ก", "ย"},
    {"ตุลาคม", "ต", "ค"},
    {"พฤศจิกายน", "พ", "ย"},
    {"ธันวาคม", "ธ", "ค"},
}};

// Which months' full names and abbreviations start with each Thai letter
// (bit m = month m + 1), so MatchThaiMonth compares only those: the scanner
// tries a month at most Thai letters ก ม พ ส ต, common ones (hot loop).
class ThaiMonthIndex {
 public:
  ThaiMonthIndex() {
    for (size_t m = 0; m < kThaiMonths.size(); ++m) {
      full_[Index(kThaiMonths[m].full)] |= 1u << m;
      abbr_[Index(kThaiMonths[m].abbr_a)] |= 1u << m;
    }
  }
  // Months whose full name / abbreviation may start at i (0: none; every
  // month name starts with a Thai letter, so anything else has none).
  uint16_t full(std::string_view t, size_t i) const { return At(full_, t, i); }
  uint16_t abbr(std::string_view t, size_t i) const { return At(abbr_, t, i); }

 private:
  static size_t Index(std::string_view s) {  // REQUIRES: a Thai letter
    return (static_cast<uint8_t>(s[1]) & 1u) << 6 |
           (static_cast<uint8_t>(s[2]) & 0x3Fu);
  }
  static uint16_t At(const std::array<uint16_t, 128>& bits,
                     std::string_view t, size_t i) {
    if (i + 3 > t.size() || static_cast<uint8_t>(t[i]) != 0xE0) return 0;
    const auto b1 = static_cast<uint8_t>(t[i + 1]);
    if (b1 != 0xB8 && b1 != 0xB9) return 0;
    return bits[Index(t.substr(i, 3))];
  }
  std::array<uint16_t, 128> full_{}, abbr_{};
};

// Thai month name or abbreviation at i: returns 1-12 (0 if none). Full
// names first, then abbreviations, each in month order.
int MatchThaiMonth(std::string_view t, size_t i, size_t* end) {
  static const ThaiMonthIndex kIndex;
  for (uint16_t bits = kIndex.full(t, i); bits != 0; bits &= bits - 1) {
    const size_t m = static_cast<size_t>(__builtin_ctz(bits));
    if (LitAt(t, i, kThaiMonths[m].full)) {
      *end = i + kThaiMonths[m].full.size();
      return static_cast<int>(m) + 1;
    }
  }
  for (uint16_t bits = kIndex.abbr(t, i); bits != 0; bits &= bits - 1) {
    const size_t m = static_cast<size_t>(__builtin_ctz(bits));
    if (MatchAbbr(t, i, kThaiMonths[m].abbr_a, kThaiMonths[m].abbr_b, end)) {
      return static_cast<int>(m) + 1;
    }
  }
  return 0;
}

constexpr std::array<std::string_view, 12> kEnglishMonths = {
    "january", "february", "march",     "april",   "may",      "june",
    "july",    "august",   "september", "october", "november", "december"};

// English month name (full, or 3 letters, "sept") at i, case-insensitive.
int MatchEnglishMonth(std::string_view t, size_t i, size_t* end) {
  // Every name starts with one of these (called after each digit run).
  if (i >= t.size() || !IsAlpha(t[i]) ||
      std::string_view("jfmasond").find(Lower(t[i])) ==
          std::string_view::npos) {
    return 0;
  }
  for (size_t m = 0; m < kEnglishMonths.size(); ++m) {
    const std::string_view full = kEnglishMonths[m];
    for (size_t len : {full.size(), size_t{4}, size_t{3}}) {
      if (len == 4 && m != 8) continue;  // "sept" only
      if (!LitAtNoCase(t, i, full.substr(0, len))) continue;
      size_t p = i + len;
      if (p < t.size() && IsAlpha(t[p])) continue;
      if (len < full.size() && p < t.size() && t[p] == '.') ++p;
      *end = p;
      return static_cast<int>(m) + 1;
    }
  }
  return 0;
}

// "พ.ศ." / "ค.ศ." (dots optional) at i, with trailing spaces.
bool MatchEra(std::string_view t, size_t i, Era* era, size_t* end) {
  if (i >= t.size() || static_cast<uint8_t>(t[i]) != 0xE0) return false;
  if (MatchAbbr(t, i, "พ", "ศ", end)) {
    *era = Era::kAny;
  } else if (MatchAbbr(t, i, "ค", "ศ", end)) {
    *era = Era::kCe;
  } else {
    return false;
  }
  *end = SkipSpaces(t, *end);
  return true;
}

// Year after a month: " [พ.ศ.|ค.ศ.] yyyy|yy". English months: CE/BE yyyy.
bool ReadYearAfterMonth(std::string_view t, size_t i, bool thai, int* year_be,
                        size_t* end) {
  size_t p = SkipSpaces(t, i);
  if (!thai && p == i && p < t.size() &&
      (t[p] == '.' || t[p] == '-' || t[p] == '_' || t[p] == ',')) {
    p = SkipSpaces(t, p + 1);
  }
  Era era = Era::kAny;
  if (thai) MatchEra(t, p, &era, &p);
  return ReadYear(t, p, era, thai && era == Era::kAny ? 0 : -1, year_be, end);
}

struct Parsed {
  int day = 0, month = 0, year_be = 0;
  bool thai = false;  // Thai month name
  size_t end = 0;     // after the year (or the month, if no year)
};

// " 15, 2025" after an English month.
void ReadDayCommaYear(std::string_view t, size_t i, Parsed* out) {
  int day = 0;
  const size_t p = SkipSpaces(t, i);
  const size_t n = DigitsAt(t, p, &day);
  if (p == i || n == 0 || n > 2 || day < 1 || day > 31 ||
      !LitAt(t, p + n, ",") ||
      !ReadYear(t, SkipSpaces(t, p + n + 1), Era::kAny, -1, &out->year_be,
                &out->end)) {
    out->year_be = 0;
    return;
  }
  out->day = day;
}

// Month (Thai or English) at i followed by an optional year.
bool ParseMonthYear(std::string_view t, size_t i, Parsed* out) {
  size_t p = 0;
  out->month = MatchThaiMonth(t, i, &p);
  out->thai = out->month != 0;
  if (!out->thai && (i == 0 || !IsAlpha(t[i - 1]))) {
    out->month = MatchEnglishMonth(t, i, &p);
  }
  if (out->month == 0) return false;
  out->end = p;
  if (!ReadYearAfterMonth(t, p, out->thai, &out->year_be, &out->end)) {
    out->year_be = 0;
    if (!out->thai) ReadDayCommaYear(t, p, out);
  }
  return true;
}

// "[d[sep]]month[ year]" at i; a day is 1-2 digits, 1-31.
bool ParseDayMonthYear(std::string_view t, size_t i, Parsed* out) {
  int day = 0;
  const size_t n = DigitsAt(t, i, &day);
  if (n == 0) return ParseMonthYear(t, i, out);
  if (n > 2 || day < 1 || day > 31) return false;
  size_t p = i + n;
  if (p < t.size() && (t[p] == '.' || t[p] == '-' || t[p] == '_')) ++p;
  if (!ParseMonthYear(t, SkipSpaces(t, p), out)) return false;
  out->day = day;
  return true;
}

// Skips " - " (also en/em dash, '~', "ถึง") at i; kNpos if there is none.
size_t SkipRangeDash(std::string_view t, size_t i) {
  size_t p = SkipSpaces(t, i);
  if (LitAt(t, p, "-") || LitAt(t, p, "~")) {
    p += 1;
  } else if (LitAt(t, p, "–") || LitAt(t, p, "—")) {
    p += 3;  // en dash, em dash
  } else if (LitAt(t, p, "ถึง")) {
    p += 9;
  } else {
    return kNpos;
  }
  return SkipSpaces(t, p);
}

// Text between two mentions that makes the second a range end.
bool IsRangeGap(std::string_view gap) {
  return SkipRangeDash(gap, 0) == gap.size();
}

size_t CharLen(char c) {
  const auto b = static_cast<uint8_t>(c);
  if (b >= 0xF0) return 4;
  if (b >= 0xE0) return 3;
  if (b >= 0xC0) return 2;
  return 1;
}

constexpr std::array<const char*, 18> kUnits = {
    "บาท", "คน", "ราย", "ครั้ง",  "แห่ง", "เรื่อง", "ชิ้น",   "หลัง", "ล้าน",
    "ไร่",  "ตัว", "ฉบับ", "หน่วย", "ตร.", "กม.",  "เมตร", "%",   "baht"};

// A count or an amount, not a year: "2000 บาท", "ปี 10 ครั้ง".
bool FollowedByUnit(std::string_view t, size_t end) {
  const size_t after = SkipSpaces(t, end);
  for (const char* unit : kUnits) {
    if (LitAtNoCase(t, after, unit)) return true;
  }
  return false;
}

class Scanner {
 public:
  explicit Scanner(std::string_view t) : t_(t) {}
  std::vector<DateMention> Run();

 private:
  // Each returns the end of what it consumed, or 0 if nothing matched.
  size_t TryDigits(size_t i);
  size_t TryNumericDate(size_t i);
  size_t TryBareYear(size_t i);
  size_t TryMonth(size_t i);
  size_t TryOpenRangeStart(size_t i, const Parsed& start);
  size_t TryMarker(size_t i);
  size_t TryYearRangeEnd(size_t i, size_t digits, bool fiscal);
  bool IsPhoneOrAmount(size_t start, size_t end) const;
  void Add(size_t start, size_t end, int year_be, int month, int day,
           bool fiscal);

  std::string_view t_;
  std::vector<DateMention> out_;
};

void Scanner::Add(size_t start, size_t end, int year_be, int month, int day,
                  bool fiscal) {
  DateMention m;
  m.year_be = year_be;
  m.month = month;
  m.day = day;
  m.fiscal_year = month ? FiscalYearOfCe(year_be - 543, month) : year_be;
  m.fiscal_marker = fiscal;
  m.offset = start;
  m.text = std::string(t_.substr(start, end - start));
  if (!out_.empty()) {
    const DateMention& prev = out_.back();
    const size_t prev_end = prev.offset + prev.text.size();
    if (prev_end <= start &&
        IsRangeGap(t_.substr(prev_end, start - prev_end))) {
      m.range_end = true;
      if (prev.fiscal_marker && month == 0) m.fiscal_marker = true;
    }
  }
  out_.push_back(std::move(m));
}

// The first characters of the month and marker forms (defined below).
class ThaiStartSet;
const ThaiStartSet& ThaiStarts();
// True if a month or marker form may start at the Thai character at i.
bool MayStartThaiForm(const ThaiStartSet& starts, std::string_view t,
                      size_t i);

std::vector<DateMention> Scanner::Run() {
  const ThaiStartSet& starts = ThaiStarts();
  size_t i = 0;
  while (i < t_.size()) {
    const char c = t_[i];
    size_t end = 0;
    // Thai first: most of a Thai page's characters (0xE0 is neither a digit
    // nor a letter, so the order of the branches does not matter).
    if (static_cast<uint8_t>(c) == 0xE0) {
      if (MayStartThaiForm(starts, t_, i)) {
        end = TryMonth(i);
        if (end == 0) end = TryMarker(i);
      }
    } else if (IsDigit(c)) {
      end = TryDigits(i);
      if (end == 0) {
        while (i < t_.size() && IsDigit(t_[i])) ++i;
        continue;
      }
    } else if (IsAlpha(c) && (i == 0 || !IsAlpha(t_[i - 1]))) {
      end = TryMarker(i);
      if (end == 0) end = TryMonth(i);
    }
    i = end > i ? end : i + CharLen(c);
  }
  return std::move(out_);
}

size_t Scanner::TryDigits(size_t i) {
  size_t end = TryNumericDate(i);
  if (end == 0) end = TryMonth(i);
  if (end == 0) end = TryBareYear(i);
  return end;
}

// yyyy-mm-dd (also '/' '.'), and d/m/yyyy (also '.' '-'); BE or CE.
size_t Scanner::TryNumericDate(size_t i) {
  int v[3] = {0, 0, 0};
  size_t len[3] = {0, 0, 0};
  size_t p = i;
  char sep = 0;
  for (int k = 0; k < 3; ++k) {
    len[k] = DigitsAt(t_, p, &v[k]);
    if (len[k] == 0) return 0;
    p += len[k];
    if (k == 2) break;
    if (p >= t_.size() || (sep != 0 && t_[p] != sep)) return 0;
    sep = t_[p++];
    if (sep != '-' && sep != '/' && sep != '.') return 0;
  }
  if (ContinuesNumber(t_, p)) return 0;
  const bool iso = len[0] == 4 && len[1] <= 2 && len[2] <= 2;
  const bool dmy = len[0] <= 2 && len[1] <= 2 && len[2] == 4;
  const int month = v[1], day = iso ? v[2] : v[0];
  const int year_be = YearFromDigits(iso ? v[0] : v[2], 4, Era::kAny, -1);
  if (!(iso || dmy) || month < 1 || month > 12 || day < 1 || day > 31 ||
      year_be == 0) {
    return 0;
  }
  Add(i, p, year_be, month, day, false);
  return p;
}

size_t Scanner::TryMonth(size_t i) {
  Parsed d;
  if (!ParseDayMonthYear(t_, i, &d)) return 0;
  if (d.year_be == 0) return TryOpenRangeStart(i, d);
  Add(i, d.end, d.year_be, d.month, d.day, false);
  return d.end;
}

// "ต.ค. - มี.ค. 68": a month without a year takes the range end's year, or
// the year before when its month comes later in the calendar.
size_t Scanner::TryOpenRangeStart(size_t i, const Parsed& start) {
  const size_t q = SkipRangeDash(t_, start.end);
  Parsed e;
  if (q == kNpos || !ParseDayMonthYear(t_, q, &e) || e.year_be == 0) {
    return start.end;
  }
  const int year_be = start.month <= e.month ? e.year_be : e.year_be - 1;
  Add(i, start.end, year_be, start.month, start.day, false);
  return start.end;
}

// "2567-2568", "67 - 68" after a marker year: the range end, same width.
size_t Scanner::TryYearRangeEnd(size_t i, size_t digits, bool fiscal) {
  const size_t q = SkipRangeDash(t_, i);
  int v = 0, year_be = 0;
  size_t end = 0;
  if (q == kNpos || DigitsAt(t_, q, &v) != digits ||
      !ReadYear(t_, q, Era::kAny, 0, &year_be, &end)) {
    return i;
  }
  Add(q, end, year_be, 0, 0, fiscal);
  return end;
}

struct Marker {
  std::string_view text;
  bool fiscal;
  bool ascii;  // case-insensitive, needs a non-letter before
};
constexpr std::array<Marker, 7> kMarkers = {{
    {"ปีงบประมาณ", true, false},
    {"ปีงบ", true, false},
    {"ประจำปีงบประมาณ", true, false},
    {"ประจำปี", true, false},
    {"ปี", false, false},
    {"fiscal year", true, true},
    {"fy", true, true},
}};

const Marker* MarkerAt(std::string_view t, size_t i) {
  if (i >= t.size()) return nullptr;
  const bool thai = static_cast<uint8_t>(t[i]) == 0xE0;  // as Thai markers
  if (!thai && !IsAlpha(t[i])) return nullptr;            // as "fy", "fiscal"
  for (const Marker& m : kMarkers) {
    if (m.ascii == thai) continue;  // cannot match: skip the comparison
    if (m.ascii ? LitAtNoCase(t, i, m.text) : LitAt(t, i, m.text)) return &m;
  }
  return nullptr;
}

// Speed: most Thai characters cannot start a month or a marker, and trying
// every form at each of them dominated the crawl's CPU (bench/RESULTS.md).
// The set holds the first two characters of every form TryMonth/TryMarker
// can match at a Thai character: month names, abbreviations (MatchAbbr:
// the first part, then '.' or the second part), Thai markers and the eras
// MatchEra knows (พ.ศ., ค.ศ.). Built from the tables above.
class ThaiStartSet {
 public:
  ThaiStartSet() {
    for (const ThaiMonth& m : kThaiMonths) {
      AddPrefix(m.full);
      AddAbbr(m.abbr_a, m.abbr_b);
    }
    for (const Marker& m : kMarkers) {
      if (!m.ascii) AddPrefix(m.text);
    }
    AddAbbr("พ", "ศ");
    AddAbbr("ค", "ศ");
  }
  // True if a form may start at byte i (a Thai character or not). Most
  // letters start no form: that is looked up first.
  bool Contains(std::string_view t, size_t i) const {
    if (i + 2 >= t.size()) return false;
    const size_t first = Index(t[i + 1], t[i + 2]);
    if (!firsts_[first] && !all_) return false;
    if (!ThaiAt(t, i)) return false;
    if (all_) return true;
    if (i + 3 < t.size() && t[i + 3] == '.') return seconds_[first][kDot];
    if (!ThaiAt(t, i + 3)) return false;
    return seconds_[first][Index(t[i + 4], t[i + 5])];
  }

 private:
  static constexpr size_t kDot = 128;
  static size_t Index(char b1, char b2) {
    return (static_cast<uint8_t>(b1) & 1u) << 6 | (static_cast<uint8_t>(b2) & 0x3Fu);
  }
  static bool Thai(std::string_view s) {
    return ThaiAt(s, 0);
  }
  // A form starting with `s`: its first two characters.
  void AddPrefix(std::string_view s) {
    if (!Thai(s) || !(s.size() > 3 && (s[3] == '.' || Thai(s.substr(3))))) {
      all_ = true;  // not two Thai characters (or a dot): no filter
      return;
    }
    firsts_[Index(s[1], s[2])] = true;
    seconds_[Index(s[1], s[2])][s[3] == '.' ? kDot : Index(s[4], s[5])] = true;
  }
  // MatchAbbr(a, b): a, then '.' or b.
  void AddAbbr(std::string_view a, std::string_view b) {
    if (a.size() > 3) return AddPrefix(a);
    AddPrefix(std::string(a) + ".");
    AddPrefix(std::string(a) + std::string(b));
  }
  std::array<bool, 128> firsts_{};  // seconds_[f].any()
  std::array<std::bitset<kDot + 1>, 128> seconds_{};
  bool all_ = false;
};

const ThaiStartSet& ThaiStarts() {
  static const ThaiStartSet kSet;
  return kSet;
}

bool MayStartThaiForm(const ThaiStartSet& starts, std::string_view t,
                      size_t i) {
  return starts.Contains(t, i);
}

// "<marker> [พ.ศ.] yyyy|yy", "พ.ศ. yyyy", "ค.ศ. yyyy", and "FY2568".
size_t Scanner::TryMarker(size_t i) {
  const Marker* marker = MarkerAt(t_, i);
  size_t p = marker ? SkipSpaces(t_, i + marker->text.size()) : i;
  Era era = Era::kAny;
  const bool has_era = (!marker || !marker->ascii) && MatchEra(t_, p, &era, &p);
  if (!marker && !has_era) return 0;
  // "ปี พ.ศ." is a fiscal marker; a bare "พ.ศ." is not.
  const bool fiscal = marker && (marker->fiscal || has_era);
  const int min_two_digit =
      era == Era::kCe ? -1 : (marker && marker->ascii ? 50 : 0);
  int year_be = 0;
  size_t end = 0;
  if (!ReadYear(t_, p, era, min_two_digit, &year_be, &end) ||
      (end - p == 2 && FollowedByUnit(t_, end))) {
    return 0;
  }
  Add(i, end, year_be, 0, 0, fiscal);
  return TryYearRangeEnd(end, end - p, fiscal);
}

bool Scanner::IsPhoneOrAmount(size_t start, size_t end) const {
  if (start >= 2 && (t_[start - 1] == ',' || t_[start - 1] == '.') &&
      IsDigit(t_[start - 2])) {
    return true;
  }
  // Digit groups joined by single ' ' or '-': phone-like if any group starts
  // with 0 or there are three or more groups.
  int groups = 1;
  bool zero = t_[start] == '0';
  for (size_t j = start; j >= 2 && (t_[j - 1] == ' ' || t_[j - 1] == '-') &&
                         IsDigit(t_[j - 2]);) {
    j -= 1;
    while (j > 0 && IsDigit(t_[j - 1])) --j;
    zero = zero || t_[j] == '0';
    ++groups;
  }
  for (size_t j = end; j + 1 < t_.size() && (t_[j] == ' ' || t_[j] == '-') &&
                       IsDigit(t_[j + 1]);) {
    zero = zero || t_[j + 1] == '0';
    for (++j; j < t_.size() && IsDigit(t_[j]);) ++j;
    ++groups;
  }
  return zero || groups >= 3;
}

// A four-digit year standing alone ("2568", "Plan_2568.pdf", "/2568/").
size_t Scanner::TryBareYear(size_t i) {
  int year_be = 0;
  size_t end = 0;
  if (!ReadYear(t_, i, Era::kAny, -1, &year_be, &end) ||
      IsPhoneOrAmount(i, end)) {
    return 0;
  }
  if (FollowedByUnit(t_, end)) return 0;
  Add(i, end, year_be, 0, 0, false);
  return end;
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

}  // namespace

std::vector<DateMention> FindDates(std::string_view normalized_text) {
  return Scanner(normalized_text).Run();
}

int FiscalYearOfCe(int year_ce, int month) {
  return year_ce + 543 + (month >= 10 ? 1 : 0);
}

const char* ThaiMonthName(int month) {
  if (month < 1 || month > 12) return "";
  return kThaiMonths[month - 1].full.data();  // literals: NUL-terminated
}

bool ParseIsoDate(std::string_view text, int* year, int* month, int* day) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  int y = 0, m = 0, d = 0;
  if (DigitsAt(text, 0, &y) != 4 || DigitsAt(text, 5, &m) != 2 ||
      DigitsAt(text, 8, &d) != 2 || m < 1 || m > 12 || d < 1 ||
      d > DaysInMonth(y, m)) {
    return false;
  }
  *year = y, *month = m, *day = d;
  return true;
}

namespace {

std::vector<std::string_view> SplitSpaces(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while ((i = SkipSpaces(s, i)) < s.size()) {
    size_t j = i;
    while (j < s.size() && s[j] != ' ' && s[j] != '\t') ++j;
    out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

int ShortMonth(std::string_view s) {
  for (size_t m = 0; m < kEnglishMonths.size(); ++m) {
    if (s.size() == 3 &&
        LitAtNoCase(s, 0, std::string_view(kEnglishMonths[m]).substr(0, 3))) {
      return static_cast<int>(m) + 1;
    }
  }
  return 0;
}

// "hh:mm:ss"
bool IsClock(std::string_view s) {
  int h = 0, m = 0, sec = 0;
  return s.size() == 8 && s[2] == ':' && s[5] == ':' &&
         DigitsAt(s, 0, &h) == 2 && DigitsAt(s, 3, &m) == 2 &&
         DigitsAt(s, 6, &sec) == 2 && h < 24 && m < 60 && sec <= 60;
}

// Day (1-2 digits), month name, year (`year_digits` digits) into *y/m/d.
bool SetDate(std::string_view day, std::string_view mon, std::string_view year,
             size_t year_digits, int* y, int* m, int* d) {
  int dv = 0, yv = 0;
  if (day.empty() || day.size() > 2 || DigitsAt(day, 0, &dv) != day.size() ||
      year.size() != year_digits || DigitsAt(year, 0, &yv) != year.size()) {
    return false;
  }
  if (year_digits == 2) yv += yv < 70 ? 2000 : 1900;  // RFC 850 yy
  const int mv = ShortMonth(mon);
  if (mv == 0 || dv < 1 || dv > DaysInMonth(yv, mv)) return false;
  *y = yv, *m = mv, *d = dv;
  return true;
}

}  // namespace

bool ParseHttpDate(std::string_view text, int* year, int* month, int* day) {
  const size_t comma = text.find(',');
  if (comma == kNpos) {  // asctime: "Sun Nov  6 08:49:37 1994"
    const auto f = SplitSpaces(text);
    return f.size() == 5 && f[0].size() == 3 && IsClock(f[3]) &&
           SetDate(f[2], f[1], f[4], 4, year, month, day);
  }
  const auto f = SplitSpaces(text.substr(comma + 1));
  if (f.size() == 5) {  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
    return f[4] == "GMT" && IsClock(f[3]) &&
           SetDate(f[0], f[1], f[2], 4, year, month, day);
  }
  // RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT"
  if (f.size() != 3 || f[2] != "GMT" || !IsClock(f[1]) || f[0].size() != 9 ||
      f[0][2] != '-' || f[0][6] != '-') {
    return false;
  }
  return SetDate(f[0].substr(0, 2), f[0].substr(3, 3), f[0].substr(7), 2, year,
                 month, day);
}

}  // namespace oitwatch
