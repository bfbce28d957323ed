// Thai text normalisation for matching: one canonical form so that patterns
// do not have to spell out every variant seen on real sites and in PDFs.
// Pure functions; thread-safe.
#ifndef OITWATCH_RULES_THAI_TEXT_H_
#define OITWATCH_RULES_THAI_TEXT_H_

#include <string>
#include <string_view>
#include <vector>

namespace oitwatch {

// Returns `text` (UTF-8; invalid bytes become U+FFFD first) with:
//  - Thai digits ๐-๙ turned into ASCII 0-9;
//  - zero-width characters (U+200B-U+200D, U+2060, U+FEFF, soft hyphen) and
//    U+FFFD removed;
//  - NIKHAHIT + SARA AA (U+0E4D U+0E32) turned into SARA AM (U+0E33), and
//    the PDF-extraction split forms of sara am joined;
//  - all whitespace runs (incl. NBSP) folded to one ASCII space, trimmed;
//  - a space between two Thai characters removed (Thai separates phrases,
//    not words, with spaces, and PDF extraction inserts stray ones), so
//    patterns never need spaces between Thai letters.
// Case is kept (patterns use (?i) where they want it).
std::string NormalizeThai(std::string_view text);

// The non-empty NormalizeThai of each '\n'-separated line of `text`, and in
// `*joined` NormalizeThai(text) itself, built from the lines where that is
// exact (one space between lines, none between two Thai letters) instead of
// normalising the text twice.
std::vector<std::string> NormalizeThaiLines(std::string_view text,
                                            std::string* joined);

// For text from PDFs whose font maps sara aa (U+0E32) to sara am (U+0E33)
// ("แผนปฏิบัติรำชกำร", "ข้อควำม"): if `normalized` (NormalizeThai output)
// shows that swap (non-words such as "กำร", "ควำม", "ตำม" outnumber their
// real forms), every sara am becomes sara aa and the common words that
// really hold sara am (ประจำ, สำนัก, ดำเนิน, จำนวน, กำหนด, ...) are put back.
// Other text is returned unchanged. A heuristic for matching only.
std::string RepairSwappedSaraAm(std::string_view normalized);

// Replaces invalid UTF-8 sequences by U+FFFD (WHATWG-style) so that the
// result is always valid UTF-8.
std::string SanitizeUtf8(std::string_view bytes);

// Cuts `text` to at most `max_bytes` without splitting a UTF-8 sequence.
std::string TruncateUtf8(std::string_view text, size_t max_bytes);

// Percent-decodes a URL path for matching (invalid escapes are kept as is,
// the result is sanitised to valid UTF-8). '+' is kept.
std::string PercentDecode(std::string_view text);

}  // namespace oitwatch

#endif  // OITWATCH_RULES_THAI_TEXT_H_
