// Dropping what no one reads before an HTML parse: the text inside <script>
// and <style> elements (CSS, JavaScript; a twentieth of a typical page) costs
// Gumbo as much per byte as visible text, and the walk in document.cc skips
// it anyway. The bytes are scanned the way the HTML tokenizer reads them
// (tags with quoted attributes, comments, RCDATA and RAWTEXT elements,
// script data), so the parse of the result differs from the parse of the
// input only in those elements' text. Where that cannot be told from the
// bytes alone, nothing more is dropped: from the first <svg> or <math> tag
// (foreign content: their <style> is markup), <select> or <frameset> (which
// ignore a <style> and parse its text) or <plaintext>, and from a script
// whose text holds "<!--" (the tokenizer's escaped states). Pure;
// thread-safe.
#ifndef OITWATCH_RULES_RAW_TEXT_H_
#define OITWATCH_RULES_RAW_TEXT_H_

#include <string>
#include <string_view>

namespace oitwatch {

// Appends to *out `html` without the text of its <script> and <style>
// elements (their tags stay). Returns false, leaving *out alone, if there was
// nothing to drop. REQUIRES: `html` is valid UTF-8.
bool DropScriptAndStyleText(std::string_view html, std::string* out);

}  // namespace oitwatch

#endif  // OITWATCH_RULES_RAW_TEXT_H_
