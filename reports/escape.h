// Escaping at the output edge: one small function per output format. Text is
// UTF-8 inside oitwatch, but web-derived strings (titles, link text, URLs,
// reasons quoting a page) may hold anything: invalid UTF-8, NUL, ANSI escape
// sequences, bidi overrides, spreadsheet formulas, HTML. Every renderer passes
// every string through exactly one of these. None of them fails or throws:
// invalid UTF-8 becomes U+FFFD (one per maximal invalid subsequence).
//
// Pure functions; thread-safe.
#ifndef OITWATCH_REPORTS_ESCAPE_H_
#define OITWATCH_REPORTS_ESCAPE_H_

#include <string>
#include <string_view>

namespace oitwatch {

// `in` with every invalid UTF-8 sequence (stray continuation bytes,
// truncated sequences, overlongs, surrogates, > U+10FFFF) replaced by U+FFFD.
// Valid input is returned unchanged.
std::string ValidUtf8(std::string_view in);

// A complete JSON string literal, quotes included. Escapes '"', '\\', all
// C0 controls and DEL (\n, \t, ... or \u00XX), and also '<', '>', '&'
// (\u003c ...) and U+2028/U+2029 so the result is safe inside an HTML
// <script> and in JavaScript. Other non-ASCII stays raw UTF-8.
std::string JsonString(std::string_view in);

// One RFC 4180 CSV field. A field starting with a spreadsheet formula trigger
// (= + - @ TAB CR LF) gets a leading ' so Excel/LibreOffice show it as text
// (OWASP "CSV injection"). The field is then quoted (with "" for ") if it
// holds '"', ',', CR or LF. NUL bytes are dropped.
std::string CsvField(std::string_view in);

// HTML text/attribute escaping of & < > " ' (&amp; &lt; &gt; &quot; &#39;).
// NUL becomes U+FFFD.
std::string HtmlEscape(std::string_view in);

// One line of text safe to print on a terminal: TAB, CR, LF, U+2028 and
// U+2029 become a space; other C0 controls, DEL and C1 controls (ESC, CSI,
// ...) become a visible "\xHH"; bidi controls (U+061C, U+200E/F,
// U+202A-U+202E, U+2066-U+2069) become a visible "\u202e". Thai text,
// including combining marks and U+200B, is kept.
std::string TerminalSafe(std::string_view in);

}  // namespace oitwatch

#endif  // OITWATCH_REPORTS_ESCAPE_H_
