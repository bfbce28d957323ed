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

// What the caps of DocumentLimits changed in a page. All zero: read whole.
struct DocumentCut {
  // Input not read at all (links and text): bytes past max_input_bytes, or
  // from the tag that would pass max_elements or max_page_attributes on.
  size_t input_bytes = 0;
  size_t links = 0;   // links dropped past max_links / max_repeated_links
  bool text = false;  // visible text past max_text_bytes was dropped
  // Tags removed before parsing, their text kept: start tags nested past
  // max_depth or past max_open_formatting. Loses no text and no link.
  size_t tags = 0;
  // Attributes removed past max_attributes of one tag; those the walk reads
  // (href, src, alt, title, ...) are kept. Loses nothing we read.
  size_t attributes = 0;

  // Whether text or links of the page may be missing from the Document.
  bool LosesContent() const { return input_bytes > 0 || links > 0 || text; }
};

struct Document {
  std::string title;
  std::string headings;        // h1-h6 texts, one per line
  std::string text;            // visible text (no script/style/noscript)
  std::vector<Link> links;     // <a href>, <area href>, <iframe src>, in order
  std::string meta_refresh;    // URL of <meta http-equiv=refresh>, resolved (normal)
  bool truncated = false;      // input or output caps were hit (any of cut)
  DocumentCut cut;             // what they cut
};

struct DocumentLimits {
  // Larger input is cut before parsing. The fetcher keeps 10 MiB of an HTML
  // body (FetcherOptions::max_page_bytes); decoded from a one-byte Thai
  // charset (TIS-620) that is up to 30 MiB of UTF-8, so no page it keeps is
  // cut here (rt7budget BUG-2: an 8 MiB cap cut 9 MiB pages silently).
  size_t max_input_bytes = 32u << 20;
  size_t max_text_bytes = 1 << 20;   // visible text kept
  // Outlinks kept per page: distinct URLs other than the page's own (a
  // menu repeated on the page, a link to itself or to one of its own
  // #fragments does not count). Past it links are dropped (cut.links).
  size_t max_links = 2000;
  // Repeats of a kept URL (or of the page itself) kept besides, for their
  // other anchor texts; past it they are dropped too (cut.links).
  size_t max_repeated_links = 2000;
  size_t max_url_bytes = 2048;       // longer hrefs are dropped
  // Start tags nested deeper than this (counted before parsing, ignoring
  // void elements and those with optional end tags such as p, li, td) are
  // removed from the input; their text is kept. Gumbo frees its tree
  // recursively and scans its open-element stack per tag, so unbounded
  // nesting would overflow the stack or go quadratic.
  size_t max_depth = 512;
  // Start tags read: the input from the one that would pass it on is cut
  // (cut.input_bytes). 10 MiB of bare tags took 4-6 s and 800 MiB; this
  // many, 0.3-0.7 s and 120 MiB. A page of ordinary markup has one start
  // tag per 40-60 bytes (10 MiB: ~200,000).
  size_t max_elements = 250000;
  // Formatting elements (b, i, font, ...; not a) left open at once, counted
  // on the raw bytes: past it their start tags are removed (cut.tags; the
  // walk reads none of them). Gumbo clones every open formatting element
  // closed by its parent again at the next text ("reconstruct the active
  // formatting elements"): 600 unclosed <b id=N> and then 1 MiB of
  // "<p>x</p>" made 19 GiB of clones.
  size_t max_open_formatting = 8;
  // Clones that may be made so, counted at each tag that may close the
  // element holding them (one per formatting element open then): the input
  // from the tag that would pass it on is cut. 2,000,000 took 3.5 s and
  // 700 MiB.
  size_t max_clones = 500000;
  // Attributes kept per tag, besides the first of each the walk reads.
  // Gumbo compares each attribute's name with all earlier ones of its tag:
  // 300,000 on one tag ran for many minutes.
  size_t max_attributes = 128;
  // Attributes read per page (at most max_attributes per tag), counted with
  // max_elements (a page of at most max_depth start tags has at most
  // max_depth * max_attributes); the input from the tag that would pass it
  // on is cut (cut.input_bytes). Gumbo keeps ~250 bytes per attribute: 10
  // MiB of tags of 128 attributes each took 2.3 s and 450 MiB; this many,
  // ~0.2 s and 70 MiB.
  size_t max_page_attributes = 250000;
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
