// HTML -> Document through Gumbo (the only file that includes it).
//
// Gumbo's parser is iterative, but gumbo_destroy_output frees the tree
// recursively (a stack overflow at ~261k nested elements; we free through an
// arena instead, see ParseArena) and the parser scans its open-element stack
// per tag (quadratic on deep nesting). So before
// parsing, CapNesting counts nesting on the raw bytes and removes the start
// tags that would go deeper than DocumentLimits::max_depth, keeping their
// text. Our own walk uses an explicit stack. The text of <script> and
// <style>, which the walk skips, is dropped before parsing, and runs of
// visible text are stood in for by one character each (raw_text.h); the
// walk reads the text nodes back through SkimmedHtml::Restore.
#include "rules/document.h"

#include <gumbo.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "crawler/url.h"
#include "rules/raw_text.h"
#include "rules/thai_text.h"

namespace oitwatch {
namespace {

constexpr size_t kNpos = std::string_view::npos;
constexpr size_t kMaxAnchorTextBytes = 1024;

char Lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c | 0x20) : c;
}
bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

bool StartsWithNoCase(std::string_view s, std::string_view lower_prefix) {
  if (s.size() < lower_prefix.size()) return false;
  for (size_t i = 0; i < lower_prefix.size(); ++i) {
    if (Lower(s[i]) != lower_prefix[i]) return false;
  }
  return true;
}

// ---- Nesting cap on raw bytes -------------------------------------------

// A tag name of at most 8 bytes as one integer, so that comparing names is
// one step: this runs at every tag of every page, where a memcmp call per
// comparison was most of the scan.
uint64_t NameKey(std::string_view name) {
  uint64_t key = 0;  // a byte loop: a memcpy of variable size is a call
  for (size_t i = 0; i < name.size() && i < 8; ++i) {
    key |= uint64_t{static_cast<uint8_t>(name[i])} << (8 * i);
  }
  return key;
}

bool IsAsciiAlnum(char c) {
  return (c >= '0' && c <= '9') || (Lower(c) >= 'a' && Lower(c) <= 'z');
}

// Elements that never hold children, whose end tag is implied by the next
// sibling, or that cannot nest in themselves (a, iframe); they do not deepen
// the count and are never removed, so deep links survive.
bool IgnoredForDepth(std::string_view name) {
  static constexpr std::string_view kNames[] = {
      "a",        "iframe",  "area",  "base",   "br",       "col",     "embed",
      "hr",       "img",     "input", "link",   "meta",     "param",   "source",
      "track",    "wbr",     "frame", "keygen", "basefont", "bgsound", "html",
      "head",     "body",    "p",     "li",     "dt",       "dd",      "option",
      "optgroup", "tr",      "td",    "th",     "thead",    "tbody",   "tfoot",
      "colgroup", "caption", "rb",    "rt",     "rtc",      "rp"};
  // The names by length, so a tag is compared with a few of them.
  static const auto kByLength = [] {
    std::array<std::vector<uint64_t>, 9> by_length;
    for (std::string_view n : kNames) {
      by_length.at(n.size()).push_back(NameKey(n));
    }
    return by_length;
  }();
  if (name.size() >= kByLength.size()) return false;
  const uint64_t key = NameKey(name);
  for (uint64_t n : kByLength[name.size()]) {
    if (n == key) return true;
  }
  return false;
}

bool IsRawText(std::string_view name) {
  static constexpr std::string_view kNames[] = {
      "script", "style",  "textarea", "title",
      "xmp",    "iframe", "noembed",  "noframes"};
  if (name.size() < 3 || name.size() > 8) return false;
  const uint64_t key = NameKey(name);
  for (std::string_view n : kNames) {
    if (n.size() == name.size() && NameKey(n) == key) return true;
  }
  return false;
}

// Elements whose content is parsed as markup but never shown (IsHidden).
bool IsHiding(std::string_view name) {
  return name == "template" || name == "noscript";
}

// Position after the '>' closing a tag whose name ends at p (quoted
// attribute values may hold '>'); html.size() if unterminated. Adds to
// *attributes the names that start after a space or '/' or a quoted value
// (the tag's attributes, near enough).
size_t TagEnd(std::string_view html, size_t p, size_t* attributes) {
  bool apart = true;  // the last byte read parts attributes
  while (p < html.size()) {
    const char c = html[p++];
    if (c == '>') return p;
    if (c != '=') {
      const bool parts = IsAsciiSpace(c) || c == '/';
      if (apart && !parts) ++*attributes;
      apart = parts;
      continue;
    }
    apart = false;
    while (p < html.size() && IsAsciiSpace(html[p])) ++p;
    if (p < html.size() && (html[p] == '"' || html[p] == '\'')) {
      const size_t close = html.find(html[p], p + 1);
      if (close == kNpos) return html.size();
      p = close + 1;
      apart = true;
    }
  }
  return html.size();
}

// Start of "</name" (any case) at or after `from`; html.size() if none.
size_t FindEndTag(std::string_view html, size_t from, std::string_view name) {
  for (size_t p = html.find("</", from); p != kNpos;
       p = html.find("</", p + 2)) {
    if (StartsWithNoCase(html.substr(p + 2), name)) return p;
  }
  return html.size();
}

// Lower-case tag name at p (letters, digits, '-', ':'), at most 16 chars,
// written into `buffer`.
std::string_view TagName(std::string_view html, size_t p, char (&buffer)[16]) {
  size_t n = 0;
  if (p >= html.size() || Lower(html[p]) < 'a' || Lower(html[p]) > 'z')
    return {};
  while (p < html.size() && n < sizeof(buffer) &&
         (IsAsciiAlnum(html[p]) || html[p] == '-' || html[p] == ':')) {
    buffer[n++] = Lower(html[p++]);
  }
  return std::string_view(buffer, n);
}

// Formatting elements other than <a>: Gumbo keeps them in its list of
// active formatting elements and clones them again after their parent
// closed them (DocumentLimits::max_open_formatting).
int FormattingIndex(std::string_view name) {
  static constexpr std::string_view kNames[] = {
      "b",    "big",   "code",  "em",     "font", "i", "nobr",
      "s",    "small", "strike", "strong", "tt",  "u"};
  if (name.empty() || name.size() > 6) return -1;
  for (size_t i = 0; i < std::size(kNames); ++i) {
    if (kNames[i].size() == name.size() && NameKey(kNames[i]) == NameKey(name))
      return static_cast<int>(i);
  }
  return -1;
}

// Start tags that may close the element holding open formatting elements
// (a <p> or <div> closes an open p, a <td> the cell before ...): Gumbo then
// clones those elements again at the next text.
bool MayCloseFormatting(std::string_view name) {
  static constexpr std::string_view kNames[] = {
      "p",       "div",     "li",      "dt",       "dd",     "tr",
      "td",      "th",      "tbody",   "thead",    "tfoot",  "table",
      "caption", "option",  "optgroup", "h1",      "h2",     "h3",
      "h4",      "h5",      "h6",      "ul",       "ol",     "dl",
      "address", "article", "aside",   "blockquote", "center", "details",
      "dialog",  "dir",     "fieldset", "figcaption", "figure", "footer",
      "header",  "hgroup",  "main",    "menu",     "nav",    "section",
      "summary", "pre",     "listing", "form",     "hr",     "a",
      "nobr",    "xmp",     "plaintext", "button", "marquee", "object",
      "applet",  "select"};
  for (std::string_view n : kNames) {
    if (n.size() == name.size() && (n.size() > 8 ? n == name
                                                 : NameKey(n) == NameKey(name)))
      return true;
  }
  return false;
}

// Formatting elements open (in Gumbo's list of active formatting elements),
// counted from the tags: never fewer than Gumbo keeps. A start tag adds
// one; an end tag removes at most one of its name (Gumbo's adoption agency
// removes that one, if any); a table cell's end removes those opened in it
// (Gumbo clears the list to the cell's marker). Cells are those of open
// tables only, so a <td> Gumbo ignores (outside a table) clears nothing.
struct FormattingCount {
  std::array<size_t, 13> open{};
  size_t total = 0;
  size_t tables = 0;  // <table> start tags less end tags
  struct Cell {
    size_t table;  // `tables` when it opened
    std::array<size_t, 13> open;
  };
  std::vector<Cell> cells;  // open cells, innermost last (at most 64)

  void Start(int f, std::string_view name) {
    if (f >= 0) {
      ++open[f], ++total;
      return;
    }
    const bool cell = name == "td" || name == "th" || name == "caption";
    if (cell || name == "tr" || name == "tbody" || name == "thead" ||
        name == "tfoot") {
      EndCell();  // the cell before ends
    }
    if (name == "table") ++tables;
    if (cell && tables > 0 && cells.size() < 64) {
      cells.push_back({tables, open});
    }
  }
  void End(int f, std::string_view name) {
    if (f >= 0) {
      if (open[f] > 0) --open[f], --total;
    } else if (name == "table") {
      if (tables > 0) --tables;
      while (!cells.empty() && cells.back().table > tables) Restore();
    } else if (name == "td" || name == "th" || name == "caption" ||
               name == "tr" || name == "tbody" || name == "thead" ||
               name == "tfoot") {
      EndCell();
    }
  }
  // Ends the innermost cell if it is of the innermost open table.
  void EndCell() {
    if (!cells.empty() && cells.back().table == tables) Restore();
  }
  void Restore() {
    // Never more than now: what was closed in the cell stays closed.
    for (size_t k = 0; k < open.size(); ++k) {
      open[k] = std::min(open[k], cells.back().open[k]);
    }
    cells.pop_back();
    total = 0;
    for (size_t n : open) total += n;
  }
};

// Whether `html` has at most `max` start tags ('<' and a letter): then
// CapNesting need not read the tags (one memchr pass instead; most pages
// have a few hundred).
bool FewStartTags(std::string_view html, size_t max) {
  size_t tags = 0;
  for (size_t i = html.find('<'); i != kNpos; i = html.find('<', i + 1)) {
    if (i + 1 < html.size() && Lower(html[i + 1]) >= 'a' &&
        Lower(html[i + 1]) <= 'z' && ++tags > max) {
      return false;
    }
  }
  return true;
}

// Copies `html` into *capped without start tags nested deeper than
// limits.max_depth or past limits.max_open_formatting open formatting
// elements, and without anything from the tag on at which Gumbo may have
// made limits.max_elements elements, limits.max_clones clones of
// formatting elements or read limits.max_page_attributes attributes;
// counts them in *cut. Returns false (and leaves
// *capped alone) if nothing was cut.
bool CapNesting(std::string_view html, const DocumentLimits& limits,
                std::string* capped, DocumentCut* cut) {
  // A page of at most max_depth start tags is left alone: none can be
  // nested deeper, and its open formatting elements clone at most
  // max_depth^2 elements (512: 0.2 s).
  if (FewStartTags(html, std::min(limits.max_depth, limits.max_elements))) {
    return false;
  }
  FormattingCount open;
  size_t depth = 0, elements = 0, clones = 0, attributes = 0, copied = 0;
  size_t i = 0;
  bool changed = false;
  while ((i = html.find('<', i)) != kNpos) {
    if (i + 3 < html.size() && html[i + 1] == '!' && html[i + 2] == '-' &&
        html[i + 3] == '-') {  // "<!--"
      const size_t close = html.find("-->", i + 4);
      i = close == kNpos ? html.size() : close + 3;
      continue;
    }
    const bool end_tag = i + 1 < html.size() && html[i + 1] == '/';
    char buffer[16];
    const std::string_view name = TagName(html, i + 1 + end_tag, buffer);
    if (name.empty()) {
      ++i;
      continue;
    }
    // An end tag other than a formatting element's, or a start tag that may
    // close an element, may take the open formatting elements off Gumbo's
    // stack: the next text clones them all.
    const int f = FormattingIndex(name);
    if ((end_tag ? f < 0 : MayCloseFormatting(name))) clones += open.total;
    size_t tag_attributes = 0;
    const size_t after =
        TagEnd(html, i + 1 + end_tag + name.size(), &tag_attributes);
    attributes += std::min(tag_attributes, limits.max_attributes);
    if ((!end_tag && ++elements > limits.max_elements) ||
        clones > limits.max_clones ||
        attributes > limits.max_page_attributes) {
      capped->append(html.substr(copied, i - copied));
      cut->input_bytes += html.size() - i;
      return true;
    }
    const bool counts = !IgnoredForDepth(name);
    if (end_tag) {
      if (counts && depth > 0) --depth;
      open.End(f, name);
    } else if ((counts && depth >= limits.max_depth) ||
               (f >= 0 && open.total >= limits.max_open_formatting)) {
      capped->append(html.substr(copied, i - copied));
      copied = after;
      ++cut->tags;
      changed = true;
      if (IsRawText(name) || IsHiding(name)) {
        // Goes whole, through its end tag: without its start tag its
        // content (a script, a template's links, a second title) would be
        // read as visible text and links (rt7parse finding 2).
        const size_t end_at = FindEndTag(html, after, name);
        size_t ignored = 0;
        copied = end_at == html.size()
                     ? end_at
                     : TagEnd(html, end_at + 2 + name.size(), &ignored);
        i = copied;
        continue;
      }
    } else {
      if (counts) ++depth;
      open.Start(f, name);
    }
    i = (!end_tag && IsRawText(name)) ? FindEndTag(html, after, name) : after;
  }
  if (changed) capped->append(html.substr(copied));
  return changed;
}

// ---- Text helpers ---------------------------------------------------------

// Bytes of the whitespace at s[i] that the text folds (an ASCII space or
// control, or a UTF-8 NBSP), 0 if s[i] starts something else.
size_t FoldedSpaceAt(std::string_view s, size_t i) {
  if (IsAsciiSpace(s[i]) || s[i] == '\v') return 1;
  return s[i] == '\xC2' && i + 1 < s.size() && s[i + 1] == '\xA0' ? 2 : 0;
}

// End of the run of bytes FoldSpace copies that starts at s[i] (REQUIRES:
// FoldedSpaceAt(s, i) == 0). Every folded space starts with a byte <= ' '
// or 0xC2: eight bytes at a time are passed while none of them is one
// (this runs over every byte of a page's text).
size_t WordEnd(std::string_view s, size_t i) {
  constexpr uint64_t kOnes = 0x0101010101010101u;
  constexpr uint64_t kHighBits = kOnes * 0x80;
  size_t end = i + 1;
  while (end < s.size()) {
    if (end + 8 <= s.size()) {
      uint64_t x;
      std::memcpy(&x, s.data() + end, 8);
      const uint64_t c2 = x ^ (kOnes * 0xC2);
      // High bit set where a byte is below 0x21, or is 0xC2 (exact: a
      // borrow starts only at such a byte).
      if (((((x - kOnes * 0x21) & ~x) | ((c2 - kOnes) & ~c2)) & kHighBits) ==
          0) {
        end += 8;
        continue;
      }
    }
    const auto b = static_cast<unsigned char>(s[end]);
    if ((b <= ' ' || b == 0xC2) && FoldedSpaceAt(s, end) != 0) break;
    ++end;
  }
  return end;
}

// Folds whitespace runs (ASCII and NBSP) to one space, trimmed. Runs of
// other bytes are copied whole. Stops once the output is longer than
// `enough` bytes (what follows would only be cut off by the caller).
std::string FoldSpace(std::string_view s, size_t enough = kNpos) {
  std::string out;
  out.reserve(std::min(s.size(), enough));  // folding never lengthens
  bool space = false;
  for (size_t i = 0; i < s.size() && out.size() <= enough;) {
    if (const size_t n = FoldedSpaceAt(s, i)) {
      space = true;
      i += n;
      continue;
    }
    const size_t end = WordEnd(s, i);
    if (space && !out.empty()) out.push_back(' ');
    space = false;
    out.append(s.substr(i, end - i));
    i = end;
  }
  return out;
}

// TruncateUtf8(FoldSpace(s), max_bytes), without folding what is cut: the
// cut needs the folded text up to byte max_bytes (the byte after the cut
// tells whether it splits a UTF-8 sequence), and folding is a stream, so
// that prefix does not depend on what follows.
std::string FoldSpaceCut(std::string_view s, size_t max_bytes) {
  return TruncateUtf8(FoldSpace(s, max_bytes), max_bytes);
}

// Visible text: whitespace folded, blocks on their own lines, capped.
class TextBuilder {
 public:
  explicit TextBuilder(size_t max_bytes) : max_(max_bytes) {}
  // Appends whole runs of non-space bytes; the text ends (full) at the first
  // byte past max_bytes, which Take cuts back on a UTF-8 boundary.
  void Add(std::string_view s) {
    for (size_t i = 0; i < s.size() && !full_;) {
      if (const size_t n = FoldedSpaceAt(s, i)) {
        space_ = true;
        i += n;
        continue;
      }
      const size_t end = WordEnd(s, i);
      if (!out_.empty() && (break_ || space_))
        out_.push_back(break_ ? '\n' : ' ');
      break_ = space_ = false;
      size_t take = end - i;
      if (out_.size() + take > max_) {
        take = max_ + 1 > out_.size() ? max_ + 1 - out_.size() : 0;
        full_ = true;
      }
      out_.append(s.substr(i, take));
      i = end;
    }
  }
  void Break() { break_ = true; }
  void Space() { space_ = true; }
  bool full() const { return full_; }
  std::string Take() {
    return full_ ? TruncateUtf8(out_, max_) : std::move(out_);
  }

 private:
  size_t max_;
  std::string out_;
  bool space_ = false, break_ = false, full_ = false;
};

bool IsBlock(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_ADDRESS:
    case GUMBO_TAG_ARTICLE:
    case GUMBO_TAG_ASIDE:
    case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_BR:
    case GUMBO_TAG_DD:
    case GUMBO_TAG_DIV:
    case GUMBO_TAG_DL:
    case GUMBO_TAG_DT:
    case GUMBO_TAG_FIELDSET:
    case GUMBO_TAG_FIGCAPTION:
    case GUMBO_TAG_FIGURE:
    case GUMBO_TAG_FOOTER:
    case GUMBO_TAG_FORM:
    case GUMBO_TAG_H1:
    case GUMBO_TAG_H2:
    case GUMBO_TAG_H3:
    case GUMBO_TAG_H4:
    case GUMBO_TAG_H5:
    case GUMBO_TAG_H6:
    case GUMBO_TAG_HEADER:
    case GUMBO_TAG_HR:
    case GUMBO_TAG_LI:
    case GUMBO_TAG_MAIN:
    case GUMBO_TAG_NAV:
    case GUMBO_TAG_OL:
    case GUMBO_TAG_P:
    case GUMBO_TAG_PRE:
    case GUMBO_TAG_SECTION:
    case GUMBO_TAG_TABLE:
    case GUMBO_TAG_TR:
    case GUMBO_TAG_UL:
    case GUMBO_TAG_CAPTION:
    case GUMBO_TAG_OPTION:
      return true;
    default:
      return false;
  }
}

bool IsHeading(GumboTag tag) {
  return tag == GUMBO_TAG_H1 || tag == GUMBO_TAG_H2 || tag == GUMBO_TAG_H3 ||
         tag == GUMBO_TAG_H4 || tag == GUMBO_TAG_H5 || tag == GUMBO_TAG_H6;
}

// Elements a browser does not show: scripts and styles, templates, the
// fallbacks of <noscript>, <noembed> and <noframes> (a browser with
// scripts, frames and plugins shows the script's, frame's or plugin's
// output instead). An <iframe>'s fallback text is not shown either, but
// its src is a link: HidesContent.
bool IsHidden(const GumboNode* node) {
  if (node->type == GUMBO_NODE_TEMPLATE) return true;
  const GumboTag tag = node->v.element.tag;
  return tag == GUMBO_TAG_SCRIPT || tag == GUMBO_TAG_STYLE ||
         tag == GUMBO_TAG_NOSCRIPT || tag == GUMBO_TAG_TEMPLATE ||
         tag == GUMBO_TAG_NOEMBED || tag == GUMBO_TAG_NOFRAMES;
}

// An element read (its attributes: an iframe's src) without its content
// (rt7parse finding 1: a date in an iframe's fallback text made a stale
// list pass).
bool HidesContent(const GumboNode* node) {
  return node->type == GUMBO_NODE_ELEMENT &&
         node->v.element.tag == GUMBO_TAG_IFRAME;
}

std::string_view Attr(const GumboNode* node, const char* name) {
  const GumboAttribute* a =
      gumbo_get_attribute(&node->v.element.attributes, name);
  return a ? std::string_view(a->value) : std::string_view();
}

// URL of <meta http-equiv=refresh content="5; url='...'">; "" if none.
std::string RefreshUrl(std::string_view content) {
  size_t p = 0;
  while (p < content.size() &&
         (IsAsciiSpace(content[p]) ||
          std::isdigit(static_cast<unsigned char>(content[p])) ||
          content[p] == '.')) {
    ++p;
  }
  if (p < content.size() && (content[p] == ';' || content[p] == ',')) ++p;
  while (p < content.size() && IsAsciiSpace(content[p])) ++p;
  std::string_view rest = content.substr(p);
  if (StartsWithNoCase(rest, "url")) {
    size_t q = 3;
    while (q < rest.size() && IsAsciiSpace(rest[q])) ++q;
    if (q < rest.size() && rest[q] == '=') {
      rest = rest.substr(q + 1);
      while (!rest.empty() && IsAsciiSpace(rest.front())) rest.remove_prefix(1);
    }
  }
  if (!rest.empty() && (rest.front() == '"' || rest.front() == '\'')) {
    const size_t close = rest.find(rest.front(), 1);
    rest = rest.substr(1, close == kNpos ? kNpos : close - 1);
  }
  return FoldSpace(rest);
}

// ---- Link resolution -----------------------------------------------------

// ResolveUrl for the links of the pages a thread parses. A site's menus,
// sidebars and footers repeat the same hrefs on every page, and resolving
// was a fifth of the walk, so results are kept per thread, keyed by what
// they depend on (RFC 3986 5.2): for a plain path reference only the base's
// scheme, authority and directory ("http://h/a/" of "http://h/a/b?q"), for
// an absolute-path one only the scheme and authority, for an http(s) URL
// nothing of the base. Other hrefs (queries, fragments, escapes, other
// characters) are resolved each time.
class ResolveCache {
 public:
  std::optional<std::string> Resolve(std::string_view base,
                                     std::string_view href,
                                     size_t max_length) {
    std::string& key = key_;
    if (!Key(base, href, max_length, &key)) {
      return ResolveUrl(base, href, max_length);
    }
    if (auto it = map_.find(key); it != map_.end()) return it->second;
    if (map_.size() >= kMaxEntries) map_.clear();  // bounded memory
    std::optional<std::string> url = ResolveUrl(base, href, max_length);
    map_.emplace(key, url);
    return url;
  }

 private:
  static constexpr size_t kMaxEntries = 4096;

  static bool PlainChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '~' ||
           c == '-' || c == '/';
  }

  // The key of (base, href), or false if the pair is not cached.
  static bool Key(std::string_view base, std::string_view href,
                  size_t max_length, std::string* key) {
    if (href.empty()) return false;
    const bool http = href.starts_with("http://");
    const bool https = href.starts_with("https://");
    const std::string_view rest = href.substr(http ? 7 : https ? 8 : 0);
    for (char c : rest) {
      if (!PlainChar(c) && !((http || https) && c == ':')) return false;
    }
    key->assign(std::to_string(max_length)).push_back(' ');
    if (http || https) {  // the base does not matter
      key->append("url ").append(href);
      return true;
    }
    if (href.starts_with("//")) return false;  // network-path reference
    const size_t scheme = base.find("://");
    if (scheme == std::string_view::npos) return false;
    const size_t path = base.find('/', scheme + 3);
    if (path == std::string_view::npos) return false;
    const size_t path_end =
        std::min(base.find('?', path), base.find('#', path));
    const std::string_view path_part =
        base.substr(0, std::min(path_end, base.size()));
    const size_t depends =
        href.front() == '/' ? path : path_part.rfind('/') + 1;
    key->append(base.substr(0, depends)).append(" ").append(href);
    return true;
  }

  std::unordered_map<std::string, std::optional<std::string>> map_;
  std::string key_;
};

// ---- Tree walk ------------------------------------------------------------

class Walker {
 public:
  Walker(const std::string& url, const DocumentLimits& limits,
         const SkimmedHtml& skim, Document* doc)
      : base_(url),
        page_url_(url),
        limits_(limits),
        skim_(skim),
        doc_(doc),
        text_(limits.max_text_bytes) {}
  void Walk(const GumboNode* root);

 private:
  void Enter(const GumboNode* node);
  void Exit(const GumboNode* node);
  void OnText(std::string_view s);
  bool IsOtherTitle(const GumboNode* node) const;
  void OnLinkElement(const GumboNode* node, GumboTag tag);
  int AddLink(std::string_view href, std::string text);

  std::string base_;
  const std::string page_url_;  // links to it are repeats (AddLink)
  bool base_seen_ = false;
  const DocumentLimits& limits_;
  const SkimmedHtml& skim_;  // what Gumbo parsed: text nodes are read back
  std::string restored_;     // scratch for skim_.Restore
  Document* doc_;
  // URLs of the links kept, but the page's own; links kept besides that
  // repeat one of them or the page's URL (AddLink).
  std::unordered_set<std::string> urls_;
  size_t repeats_ = 0;
  TextBuilder text_;
  std::string title_, heading_, anchor_text_, anchor_alt_;
  bool in_title_ = false;
  int heading_depth_ = 0;
  const GumboNode* anchor_ = nullptr;
  int anchor_link_ = -1;
  // Open <tr>/<li>/<dt>/<dd> elements: their text and the links inside.
  // Only the innermost one gathers (text, links), so they are kept as a
  // stack in two shared buffers: a container's are the tails from its
  // starts, cut off when it closes (no allocations per container).
  struct Container {
    const GumboNode* node;
    size_t text_start;   // in container_text_
    size_t links_start;  // in container_links_
  };
  std::vector<Container> containers_;
  std::string container_text_;
  std::vector<int> container_links_;
  void OpenContainer(const GumboNode* node, GumboTag tag);
  void CloseContainer(const GumboNode* node);
};

bool IsContainer(GumboTag tag) {
  return tag == GUMBO_TAG_TR || tag == GUMBO_TAG_LI || tag == GUMBO_TAG_DT ||
         tag == GUMBO_TAG_DD;
}

constexpr size_t kMaxContainers = 64;
constexpr size_t kMaxContextBytes = 300;
constexpr size_t kMaxLinksPerContext = 4;

void Walker::OpenContainer(const GumboNode* node, GumboTag tag) {
  if (IsContainer(tag) && containers_.size() < kMaxContainers) {
    containers_.push_back(
        Container{node, container_text_.size(), container_links_.size()});
  } else if (!containers_.empty() && (IsBlock(tag) || tag == GUMBO_TAG_TD ||
                                      tag == GUMBO_TAG_TH)) {
    container_text_.push_back(' ');
  }
}

void Walker::CloseContainer(const GumboNode* node) {
  if (containers_.empty() || containers_.back().node != node) {
    if (!containers_.empty()) container_text_.push_back(' ');
    return;
  }
  const Container c = containers_.back();
  containers_.pop_back();
  const size_t links = container_links_.size() - c.links_start;
  if (links > 0 && links <= kMaxLinksPerContext) {
    const std::string context = FoldSpaceCut(
        std::string_view(container_text_).substr(c.text_start),
        kMaxContextBytes);
    for (size_t k = c.links_start; k < container_links_.size(); ++k) {
      doc_->links[container_links_[k]].context = context;
    }
  }
  container_text_.resize(c.text_start);
  container_links_.resize(c.links_start);
}

void Walker::Walk(const GumboNode* root) {
  struct Step {
    const GumboNode* node;
    bool exit;
  };
  std::vector<Step> stack = {{root, false}};
  while (!stack.empty()) {
    const Step step = stack.back();
    stack.pop_back();
    const GumboNode* node = step.node;
    if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_WHITESPACE ||
        node->type == GUMBO_NODE_CDATA) {
      OnText(node->v.text.text);
      continue;
    }
    if (node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_DOCUMENT &&
        node->type != GUMBO_NODE_TEMPLATE) {
      continue;  // comments
    }
    if (step.exit) {
      Exit(node);
      continue;
    }
    const bool is_element = node->type != GUMBO_NODE_DOCUMENT;
    if (is_element && (IsHidden(node) || IsOtherTitle(node))) continue;
    if (is_element) Enter(node);
    const GumboVector& kids = node->type == GUMBO_NODE_DOCUMENT
                                  ? node->v.document.children
                                  : node->v.element.children;
    if (is_element) stack.push_back({node, true});
    if (HidesContent(node)) continue;
    for (unsigned i = kids.length; i > 0; --i) {
      stack.push_back({static_cast<const GumboNode*>(kids.data[i - 1]), false});
    }
  }
  doc_->cut.text = text_.full();
  doc_->text = text_.Take();
}

// A <title> that is not the page's: one after it (in the body too: it is
// not shown) or an SVG tooltip. The page's title is the first HTML <title>
// with text (Enter).
bool Walker::IsOtherTitle(const GumboNode* node) const {
  return node->v.element.tag == GUMBO_TAG_TITLE &&
         !(doc_->title.empty() &&
           node->v.element.tag_namespace == GUMBO_NAMESPACE_HTML);
}

void Walker::OnText(std::string_view s) {
  s = skim_.Restore(s, &restored_);
  if (in_title_) {
    title_.append(s);
    return;
  }
  text_.Add(s);
  if (heading_depth_ > 0) heading_.append(s);
  if (anchor_ != nullptr && anchor_text_.size() < kMaxAnchorTextBytes * 4) {
    anchor_text_.append(s);
  }
  if (!containers_.empty() && container_text_.size() -
                                   containers_.back().text_start <
                               4 * kMaxContextBytes) {
    container_text_.append(s);
  }
}

void Walker::Enter(const GumboNode* node) {
  const GumboTag tag = node->v.element.tag;
  if (tag == GUMBO_TAG_TITLE && doc_->title.empty() &&
      node->v.element.tag_namespace == GUMBO_NAMESPACE_HTML) {
    in_title_ = true;
  } else if (tag == GUMBO_TAG_BASE && !base_seen_ &&
             !Attr(node, "href").empty()) {
    base_seen_ = true;
    if (auto b = ResolveUrl(base_, Attr(node, "href"))) base_ = *b;
  } else if (tag == GUMBO_TAG_META && doc_->meta_refresh.empty() &&
             StartsWithNoCase(Attr(node, "http-equiv"), "refresh")) {
    const std::string target = RefreshUrl(Attr(node, "content"));
    if (!target.empty()) {
      doc_->meta_refresh =
          ResolveUrl(base_, target, limits_.max_url_bytes).value_or("");
    }
  } else if (tag == GUMBO_TAG_IMG && anchor_ != nullptr) {
    anchor_alt_.append(" ").append(Attr(node, "alt"));
  }
  OpenContainer(node, tag);
  OnLinkElement(node, tag);
  if (IsBlock(tag)) text_.Break();
  if (tag == GUMBO_TAG_TD || tag == GUMBO_TAG_TH) text_.Space();
  if (IsHeading(tag)) ++heading_depth_;
}

void Walker::OnLinkElement(const GumboNode* node, GumboTag tag) {
  if (tag == GUMBO_TAG_A && anchor_ == nullptr) {
    anchor_ = node;
    anchor_text_.clear();
    anchor_alt_.clear();
    anchor_link_ =
        Attr(node, "href").empty() ? -1 : AddLink(Attr(node, "href"), "");
  } else if (tag == GUMBO_TAG_AREA) {
    AddLink(Attr(node, "href"), FoldSpace(Attr(node, "alt")));
  } else if (tag == GUMBO_TAG_IFRAME || tag == GUMBO_TAG_FRAME) {
    AddLink(Attr(node, "src"), FoldSpace(Attr(node, "title")));
  }
}

void Walker::Exit(const GumboNode* node) {
  const GumboTag tag = node->v.element.tag;
  if (in_title_ && tag == GUMBO_TAG_TITLE) {
    in_title_ = false;
    doc_->title = FoldSpace(title_);
  }
  if (IsBlock(tag)) text_.Break();
  if (tag == GUMBO_TAG_TD || tag == GUMBO_TAG_TH) text_.Space();
  if (IsContainer(tag) || IsBlock(tag) || tag == GUMBO_TAG_TD ||
      tag == GUMBO_TAG_TH) {
    CloseContainer(node);
  }
  if (IsHeading(tag) && --heading_depth_ == 0) {
    const std::string h = FoldSpace(heading_);
    if (!h.empty()) doc_->headings.append(h).append("\n");
    heading_.clear();
  }
  if (node != anchor_) return;
  anchor_ = nullptr;
  if (anchor_link_ < 0) return;
  std::string text = FoldSpace(anchor_text_);
  if (text.empty()) text = FoldSpace(anchor_alt_);
  if (text.empty()) text = FoldSpace(Attr(node, "title"));
  doc_->links[anchor_link_].text = TruncateUtf8(text, kMaxAnchorTextBytes);
}

// Adds a link unless it is empty, a fragment, not http(s), too long or over
// its cap: max_links distinct URLs, max_repeated_links repeats of them or of
// the page itself (a menu on every row, "top of page", #fragments). Returns
// its index, or -1.
int Walker::AddLink(std::string_view raw, std::string text) {
  std::string href;
  for (char c : raw) {
    if (c != '\t' && c != '\n' && c != '\r') href.push_back(c);
  }
  std::string_view h = href;
  while (!h.empty() && IsAsciiSpace(h.front())) h.remove_prefix(1);
  while (!h.empty() && IsAsciiSpace(h.back())) h.remove_suffix(1);
  if (h.empty() || h.front() == '#' || h.size() > limits_.max_url_bytes)
    return -1;
  for (std::string_view scheme : {"javascript:", "mailto:", "tel:", "data:"}) {
    if (StartsWithNoCase(h, scheme)) return -1;
  }
  if (urls_.size() >= limits_.max_links &&
      repeats_ >= limits_.max_repeated_links) {
    ++doc_->cut.links;  // no room for any: not worth resolving
    return -1;
  }
  thread_local ResolveCache resolved;
  std::optional<std::string> url =
      resolved.Resolve(base_, h, limits_.max_url_bytes);
  if (!url) return -1;
  const bool repeat = *url == page_url_ || urls_.count(*url) > 0;
  if (repeat ? repeats_ >= limits_.max_repeated_links
             : urls_.size() >= limits_.max_links) {
    ++doc_->cut.links;
    return -1;
  }
  if (repeat) {
    ++repeats_;
  } else {
    urls_.insert(*url);
  }
  doc_->links.push_back(Link{std::move(*url), std::move(text), ""});
  int index = static_cast<int>(doc_->links.size()) - 1;
  if (!containers_.empty()) container_links_.push_back(index);
  return index;
}

// Gumbo allocates every node, attribute, string and vector on its own and
// frees them one by one (malloc and free were a fifth of the parse). During
// ParseHtml it allocates from this per-thread arena instead: a pointer bump,
// frees are no-ops, and the whole arena is released at once after the walk.
// Nothing of the tree outlives ParseHtml (the walk copies what it keeps).
class ParseArena {
 public:
  static void* Allocate(void* self, size_t size) {
    return static_cast<ParseArena*>(self)->Take(size);
  }
  static void Deallocate(void* /*self*/, void* /*ptr*/) {}

  // Frees all but the first block, so a huge page does not pin its memory.
  void Reset() {
    if (blocks_.size() > 1) blocks_.resize(1);
    used_ = 0;
  }

 private:
  static constexpr size_t kBlockBytes = 1u << 20;
  static constexpr size_t kAlign = alignof(std::max_align_t);

  void* Take(size_t size) {
    size = (size + kAlign - 1) & ~(kAlign - 1);
    if (blocks_.empty() || used_ + size > blocks_.back().size) {
      const size_t bytes = std::max(kBlockBytes, size);
      blocks_.push_back(Block{std::make_unique<std::max_align_t[]>(
                                  bytes / sizeof(std::max_align_t) + 1),
                              bytes});
      used_ = 0;
    }
    char* at = reinterpret_cast<char*>(blocks_.back().data.get()) + used_;
    used_ += size;
    return at;
  }

  struct Block {
    std::unique_ptr<std::max_align_t[]> data;
    size_t size;
  };
  std::vector<Block> blocks_;
  size_t used_ = 0;  // bytes taken from blocks_.back()
};

// Resets the arena when the parse is over, however ParseHtml returns.
struct ArenaReset {
  ParseArena* arena;
  ~ArenaReset() { arena->Reset(); }
};

}  // namespace

bool ParseHtml(std::string_view utf8_html, const std::string& base_url,
               const DocumentLimits& limits, Document* doc, std::string* err) {
  *doc = Document();
  std::string cut;
  if (utf8_html.size() > limits.max_input_bytes) {
    cut = TruncateUtf8(utf8_html, limits.max_input_bytes);
    doc->cut.input_bytes = utf8_html.size() - cut.size();
    utf8_html = cut;
  }
  std::string capped;
  if (CapNesting(utf8_html, limits, &capped, &doc->cut)) utf8_html = capped;
  std::string attributes_capped;
  if (limits.max_attributes > 0 &&
      CapAttributes(utf8_html, limits.max_attributes, &attributes_capped,
                    &doc->cut.attributes)) {
    utf8_html = attributes_capped;
  }
  const SkimmedHtml skim(utf8_html,
                         {.drop_script_and_style_text =
                              limits.drop_script_and_style_text,
                          .stand_in_text = limits.stand_in_text});
  utf8_html = skim.html();
  thread_local ParseArena arena;
  const ArenaReset reset{&arena};
  GumboOptions options = kGumboDefaultOptions;
  options.max_errors = 0;  // do not keep parse errors (stray tags are common)
  options.allocator = &ParseArena::Allocate;
  options.deallocator = &ParseArena::Deallocate;
  options.userdata = &arena;
  // No gumbo_destroy_output: its frees would be no-ops; ArenaReset frees.
  const GumboOutput* out =
      gumbo_parse_with_options(&options, utf8_html.data(), utf8_html.size());
  if (out == nullptr || out->document == nullptr) {
    *err = base_url + ": html: gumbo could not parse the input";
    return false;
  }
  Walker(base_url, limits, skim, doc).Walk(out->document);
  const DocumentCut& c = doc->cut;
  doc->truncated = c.LosesContent() || c.tags > 0 || c.attributes > 0;
  return true;
}

}  // namespace oitwatch
