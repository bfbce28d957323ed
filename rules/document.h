// An HTML page as the matcher sees it: title, headings, visible text and links
// with their anchor text. Gumbo stays inside document.cc. Parsing walks the
// tree without recursion and caps input size. Thread-safe (no shared state).
#ifndef OITWATCH_RULES_DOCUMENT_H_
#define OITWATCH_RULES_DOCUMENT_H_

#include <string>
#include <string_view>
#include <vector>

namespace oitwatch {

struct Link {
  std::string url;   // absolute and normal (ResolveUrl against the base or <base href>)
  std::string text;  // anchor text (or img alt / title), whitespace-folded
  // Text of the table row or list item that holds the link (<tr>, <li>,
  // <dt>, <dd>), whitespace-folded, <= 300 bytes; "" when the link is in no
  // such container or shares it with more than 3 other links. ITA index
  // tables put the item's title in one cell and a bare "ดาวน์โหลด" link in
  // the next: the row says what the link is.
  std::string context;
};

struct Document {
  std::string title;
  std::string headings;        // h1-h6 texts, one per line
  std::string text;            // visible text (no script/style/noscript)
  std::vector<Link> links;     // <a href>, <area href>, <iframe src>, in order
  std::string meta_refresh;    // URL of <meta http-equiv=refresh>, resolved (normal)
  bool truncated = false;      // input or output caps were hit
};

struct DocumentLimits {
  size_t max_input_bytes = 8 << 20;  // larger input is cut before parsing
  size_t max_text_bytes = 1 << 20;   // visible text kept
  size_t max_links = 2000;           // outlinks kept per page
  size_t max_url_bytes = 2048;       // longer hrefs are dropped
  // Start tags nested deeper than this (counted before parsing, ignoring
  // void elements and those with optional end tags such as p, li, td) are
  // removed from the input; their text is kept. Gumbo frees its tree
  // recursively and scans its open-element stack per tag, so unbounded
  // nesting would overflow the stack or go quadratic.
  size_t max_depth = 512;
  // Drop the text of <script> and <style> before parsing (raw_text.h): the
  // same Document for less parsing. False only to compare the two.
  bool drop_script_and_style_text = true;
  // Stand in for runs of visible text with one character each while Gumbo
  // parses (raw_text.h): the same Document for a third of the parsing. False
  // only to compare the two.
  bool stand_in_text = true;
};

// Parses UTF-8 HTML. Only http/https links are kept; fragments are removed.
// Returns false with a message only if the input cannot be parsed at all.
bool ParseHtml(std::string_view utf8_html, const std::string& base_url,
               const DocumentLimits& limits, Document* doc, std::string* err);

}  // namespace oitwatch

#endif  // OITWATCH_RULES_DOCUMENT_H_
