// The tokenizer states followed here are those of the HTML standard (13.2.5)
// as Gumbo implements them; tests/raw_text_test.cc checks the result against
// Gumbo's parse of random tag soup.
#include "rules/raw_text.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace oitwatch {
namespace {

constexpr size_t kNpos = std::string_view::npos;

char Lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c | 0x20) : c;
}
bool IsAsciiAlpha(char c) { return Lower(c) >= 'a' && Lower(c) <= 'z'; }
// The tokenizer's whitespace (it reads CR and CR LF as LF).
bool IsTagSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

// Position after the '>' that ends a tag's attributes, starting in the
// "before attribute name" state at p; kNpos if the input ends first (the
// tokenizer drops such a tag). A '>' ends the tag except inside a quoted
// value, and a quote opens a value only after "name=" (elsewhere it is part
// of a name: in <a =">"> the first '>' ends the tag).
size_t AttributesEnd(std::string_view s, size_t p) {
  enum { kBeforeName, kName, kAfterName, kBeforeValue, kQuoted, kUnquoted };
  int state = kBeforeName;
  char quote = 0;
  for (; p < s.size(); ++p) {
    const char c = s[p];
    if (state == kQuoted) {
      p = s.find(quote, p);  // "after value" then acts as "before name"
      if (p == kNpos) return kNpos;
      state = kBeforeName;
      continue;
    }
    if (c == '>') return p + 1;
    const bool space = IsTagSpace(c);
    if (state == kBeforeName) {
      if (!space && c != '/') state = kName;  // '=' too starts a name
    } else if (state == kName || state == kAfterName) {
      if (c == '=')
        state = kBeforeValue;
      else if (c == '/')
        state = kBeforeName;
      else if (space)
        state = kAfterName;
      else
        state = kName;
    } else if (state == kBeforeValue) {
      if (c == '"' || c == '\'')
        quote = c, state = kQuoted;
      else if (!space)
        state = kUnquoted;
    } else if (space) {  // kUnquoted
      state = kBeforeName;
    }
  }
  return kNpos;
}

// TagEnd for the tag whose name starts at p; the name as written in *name
// (if non-null; the tokenizer lower-cases ASCII letters).
size_t TagEnd(std::string_view s, size_t p, std::string_view* name) {
  for (const size_t start = p; p < s.size(); ++p) {
    const char c = s[p];
    if (c != '>' && !IsTagSpace(c) && c != '/') continue;
    if (name != nullptr) *name = s.substr(start, p - start);
    return c == '>' ? p + 1 : AttributesEnd(s, p + 1);
  }
  return kNpos;
}

// Whether two tag names are equal, ASCII case ignored.
bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

// Position after the comment whose "<!--" ends at p ("-->", "--!>", and the
// abrupt "<!-->" and "<!--->" end one); s.size() if it runs to the end.
size_t CommentEnd(std::string_view s, size_t p) {
  enum { kStart, kStartDash, kText, kEndDash, kEnd, kEndBang };
  int state = kStart;
  for (; p < s.size(); ++p) {
    const char c = s[p];
    const bool ends = c == '>' && state != kText && state != kEndDash;
    if (ends) return p + 1;
    if (state == kStart || state == kStartDash) {
      state = c != '-' ? kText : state == kStart ? kStartDash : kEnd;
    } else if (state == kText) {
      if (c == '-') state = kEndDash;
    } else if (state == kEndDash) {
      state = c == '-' ? kEnd : kText;
    } else if (state == kEnd) {
      state = c == '!' ? kEndBang : c == '-' ? kEnd : kText;
    } else {  // kEndBang
      state = c == '-' ? kEndDash : kText;
    }
  }
  return s.size();
}

// Position after a bogus comment or DOCTYPE ("<!x", "<?", "</ x") whose
// text starts at p: they end at the first '>'.
size_t BogusCommentEnd(std::string_view s, size_t p) {
  const size_t gt = s.find('>', p);
  return gt == kNpos ? s.size() : gt + 1;
}

// What the tokenizer reads from the '<' at s[p] in its data state.
struct Markup {
  size_t end;             // position after it; kNpos: an unterminated tag
  std::string_view name;  // a start tag's name as written; "" for the rest
};

Markup ReadMarkup(std::string_view s, size_t p) {
  const char c = p + 1 < s.size() ? s[p + 1] : '\0';
  if (c == '!' && p + 3 < s.size() && s[p + 2] == '-' && s[p + 3] == '-') {
    return {CommentEnd(s, p + 4), ""};
  }
  if (c == '!' || c == '?') return {BogusCommentEnd(s, p + 2), ""};
  if (c == '/') {
    const char d = p + 2 < s.size() ? s[p + 2] : '\0';
    if (IsAsciiAlpha(d)) return {TagEnd(s, p + 2, nullptr), ""};
    if (d == '>') return {p + 3, ""};  // "</>" is dropped
    return {p + 2 < s.size() ? BogusCommentEnd(s, p + 2) : s.size(), ""};
  }
  if (!IsAsciiAlpha(c)) return {p + 1, ""};  // a '<' that is text
  Markup start{0, ""};
  start.end = TagEnd(s, p + 1, &start.name);
  return start;
}

// What a start tag means to DropScriptAndStyleText.
enum class Kind {
  kOther,
  kHidden,   // script, style: their text is dropped
  kRawText,  // RCDATA or RAWTEXT wherever we look: no tags inside
  kSwitch,   // svg, math (foreign content, where <style> is markup),
             // select, frameset (which ignore <style> and parse its text),
             // plaintext: we stop
};

Kind KindOf(std::string_view name) {
  static constexpr struct {
    std::string_view name;
    Kind kind;
  } kKinds[] = {{"script", Kind::kHidden},   {"style", Kind::kHidden},
                {"title", Kind::kRawText},   {"textarea", Kind::kRawText},
                {"xmp", Kind::kRawText},     {"iframe", Kind::kRawText},
                {"noembed", Kind::kRawText}, {"noframes", Kind::kRawText},
                {"svg", Kind::kSwitch},      {"math", Kind::kSwitch},
                {"select", Kind::kSwitch},   {"frameset", Kind::kSwitch},
                {"plaintext", Kind::kSwitch}};
  // Most tags (a, p, li, td, tr, h1, br ...) are shorter than any of these.
  if (name.size() < 3 || name.size() > 9) return Kind::kOther;
  for (const auto& k : kKinds) {
    if (EqualsNoCase(name, k.name)) return k.kind;
  }
  return Kind::kOther;
}

// Start of the end tag that closes the text of element `name` started at p:
// "</name" (ASCII case ignored) and then a space, '/' or '>'; kNpos if the
// text runs to the end.
size_t RawTextEnd(std::string_view s, size_t p, std::string_view name) {
  for (p = s.find("</", p); p != kNpos; p = s.find("</", p + 2)) {
    const size_t q = p + 2 + name.size();
    if (q < s.size() && EqualsNoCase(name, s.substr(p + 2, name.size())) &&
        (IsTagSpace(s[q]) || s[q] == '/' || s[q] == '>')) {
      return p;
    }
  }
  return kNpos;
}

// Whether the script text holds "<!--": the tokenizer's escaped states then
// decide where it ends, not the first </script>.
bool EscapesScript(std::string_view text) { return text.find("<!--") != kNpos; }

// Stand-ins: U+F0000 + index, four bytes F3 B0+(i>>12) 80+(i>>6&63) 80+(i&63).
constexpr size_t kMaxRuns = 0xFFFE;  // U+FFFFE and U+FFFFF are noncharacters
constexpr size_t kMinRunBytes = 8;   // shorter runs are not worth a stand-in

void AppendStandIn(size_t i, std::string* out) {
  const char bytes[4] = {'\xF3', static_cast<char>(0xB0 | (i >> 12)),
                         static_cast<char>(0x80 | ((i >> 6) & 0x3F)),
                         static_cast<char>(0x80 | (i & 0x3F))};
  out->append(bytes, 4);
}

// The index of the stand-in at s[p] (an F3 byte); kNpos if it is none.
size_t StandInAt(std::string_view s, size_t p) {
  if (p + 3 >= s.size()) return kNpos;
  const auto b1 = static_cast<unsigned char>(s[p + 1]);
  const auto b2 = static_cast<unsigned char>(s[p + 2]);
  const auto b3 = static_cast<unsigned char>(s[p + 3]);
  if (b1 < 0xB0 || b1 > 0xBF || (b2 & 0xC0) != 0x80 || (b3 & 0xC0) != 0x80) {
    return kNpos;
  }
  return (size_t{b1} - 0xB0) << 12 | (size_t{b2} & 0x3F) << 6 | (b3 & 0x3F);
}

// The value of the numeric character reference whose digits start at p
// (after "&#"), capped above U+10FFFF.
uint32_t NumericReference(std::string_view s, size_t p) {
  const bool hex = p < s.size() && (s[p] == 'x' || s[p] == 'X');
  uint32_t value = 0;
  for (p += hex ? 1 : 0; p < s.size(); ++p) {
    const char c = Lower(s[p]);
    uint32_t digit;
    if (c >= '0' && c <= '9') {
      digit = static_cast<uint32_t>(c - '0');
    } else if (hex && c >= 'a' && c <= 'f') {
      digit = static_cast<uint32_t>(c - 'a' + 10);
    } else {
      break;
    }
    value = std::min<uint32_t>(value * (hex ? 16 : 10) + digit, 0x110000);
  }
  return value;
}

// Whether no text of the page's parse can hold a stand-in's character.
bool MayStandIn(std::string_view html) {
  for (size_t p = html.find('\xF3'); p != kNpos; p = html.find('\xF3', p + 1)) {
    const auto next = p + 1 < html.size() ? static_cast<unsigned char>(html[p + 1]) : 0;
    if (next >= 0xB0 && next <= 0xBF) return false;  // U+F0000-U+FFFFF
  }
  for (size_t p = html.find("&#"); p != kNpos; p = html.find("&#", p + 2)) {
    const uint32_t value = NumericReference(html, p + 2);
    if (value >= 0xF0000 && value <= 0xFFFFF) return false;
  }
  return true;
}

// What ends a run of text: the tokenizer reads '&' as a character reference
// and NUL and CR not as themselves.
bool EndsRun(char c) { return c == '&' || c == '\0' || c == '\r'; }
// What a character reference after '&' may consume (names, digits, ';').
bool InReference(char c) {
  return (c >= '0' && c <= '9') || IsAsciiAlpha(c) || c == '#' || c == ';';
}

// ---- Attributes per tag (CapAttributes) ----------------------------------

// Whether tree building or the walk in document.cc reads attribute `name`.
bool ReadAttribute(std::string_view name) {
  static constexpr std::string_view kRead[] = {
      "href",  "src",  "alt",      "title", "http-equiv", "content",
      "type",  "encoding", "color", "face", "size"};
  for (std::string_view r : kRead) {
    if (EqualsNoCase(name, r)) return true;
  }
  return false;
}

// An attribute as the tokenizer reads it: s[begin, end), its name
// s[begin, name_end).
struct AttributeSpan {
  size_t begin, name_end, end;
};

// AttributesEnd that also counts the attribute names the tokenizer starts
// into *count and, if `spans` is non-null, records the first `keep`
// attributes and after them those ReadAttribute names, and in *last_end
// where the last attribute ends (if non-null). Returns
// the position after the '>' ending the tag, or s.size() if the input ends
// first (the tokenizer reads the attributes all the same).
size_t ReadAttributes(std::string_view s, size_t p, size_t* count,
                      std::vector<AttributeSpan>* spans, size_t keep,
                      size_t* last_end = nullptr) {
  enum { kBeforeName, kName, kAfterName, kBeforeValue, kQuoted, kUnquoted };
  int state = kBeforeName;
  AttributeSpan span{0, 0, 0};
  const auto open = [&](size_t at) {
    ++*count;
    span = {at, at, at};
  };
  const auto close = [&](size_t end) {
    if (last_end != nullptr) *last_end = end;
    if (spans == nullptr) return;
    span.end = end;
    if (spans->size() < keep ||
        ReadAttribute(s.substr(span.begin, span.name_end - span.begin))) {
      spans->push_back(span);
    }
  };
  for (; p < s.size(); ++p) {
    const char c = s[p];
    if (state == kQuoted) {
      const char quote = s[p - 1];
      p = s.find(quote, p);
      if (p == kNpos) break;
      close(p + 1);
      state = kBeforeName;
      continue;
    }
    if (c == '>') {
      if (state == kName) span.name_end = p;
      if (state == kName || state == kBeforeValue || state == kUnquoted) {
        close(p);
      } else if (state == kAfterName) {
        close(span.name_end);
      }
      return p + 1;
    }
    const bool space = IsTagSpace(c);
    if (state == kBeforeName) {
      if (!space && c != '/') open(p), state = kName;  // '=' too starts a name
    } else if (state == kName) {
      if (c == '=' || c == '/' || space) span.name_end = p;
      if (c == '=') state = kBeforeValue;
      if (c == '/') close(p), state = kBeforeName;
      if (space) state = kAfterName;
    } else if (state == kAfterName) {
      if (c == '=') {
        state = kBeforeValue;
      } else if (!space) {
        close(span.name_end);
        if (c == '/') {
          state = kBeforeName;
        } else {
          open(p);
          state = kName;
        }
      }
    } else if (state == kBeforeValue) {
      if (c == '"' || c == '\'') {
        state = kQuoted;
      } else if (!space) {
        state = kUnquoted;
      }
    } else if (space) {  // kUnquoted
      close(p);
      state = kBeforeName;
    }
  }
  if (state == kName) span.name_end = s.size();
  if (state == kAfterName) {
    close(span.name_end);
  } else if (state != kBeforeName) {
    close(s.size());
  }
  return s.size();
}

// Appends to *out the tag s[begin, end) with `max` attributes, spans[0,
// max), and then the first of each of spans[max, ...) (attributes that
// ReadAttribute names) that the tag did not have yet; what follows its
// last attribute (at last_end: spaces, "/>") stays. `all`: how many
// attributes the tag has. Returns the number of attributes dropped.
size_t AppendCappedTag(std::string_view s, size_t begin, size_t end,
                       const std::vector<AttributeSpan>& spans, size_t max,
                       size_t all, size_t last_end, std::string* out) {
  std::vector<std::string_view> seen;
  const auto first = [&](const AttributeSpan& a) {
    const std::string_view name = s.substr(a.begin, a.name_end - a.begin);
    if (!ReadAttribute(name)) return false;
    for (std::string_view n : seen) {
      if (EqualsNoCase(n, name)) return false;
    }
    seen.push_back(name);
    return true;
  };
  for (size_t i = 0; i < max; ++i) first(spans[i]);
  out->append(s.substr(begin, spans[max - 1].end - begin));
  size_t kept = max;
  for (size_t i = max; i < spans.size(); ++i) {
    if (!first(spans[i])) continue;
    out->push_back(' ');
    out->append(s.substr(spans[i].begin, spans[i].end - spans[i].begin));
    ++kept;
  }
  out->append(s.substr(last_end, end - last_end));
  return all - kept;
}

// The end of a tag whose attributes start at p (after its name) if it
// cannot have more than `max` of them: no quote before the next '>' (so
// that ends it) and fewer than 2 * max bytes before it (a name and a
// separator each). kNpos if it may. Two memchr instead of reading each byte
// of each tag of each page.
size_t ShortTagEnd(std::string_view s, size_t p, size_t max) {
  const size_t gt = s.find('>', p);
  const size_t stop = gt == kNpos ? s.size() : gt;
  if (stop - p >= 2 * max) return kNpos;
  const std::string_view attributes = s.substr(p, stop - p);
  if (attributes.find('"') != kNpos || attributes.find('\'') != kNpos) {
    return kNpos;
  }
  return gt == kNpos ? s.size() : gt + 1;
}

}  // namespace

bool CapAttributes(std::string_view html, size_t max_attributes,
                   std::string* out, size_t* dropped) {
  size_t copied = 0;
  std::string capped;
  std::vector<AttributeSpan> spans;
  // Markup is read in html[0, clip): in the text of a raw text element,
  // clip is its end tag, so what looks like a tag there never hides it.
  size_t clip = html.size();
  for (size_t p = 0;;) {
    const std::string_view s = html.substr(0, clip);
    p = s.find('<', p);
    if (p == kNpos) {
      if (clip == html.size()) break;
      p = clip;
      clip = html.size();
      continue;
    }
    const char c = p + 1 < s.size() ? s[p + 1] : '\0';
    if (c == '!' && p + 3 < s.size() && s[p + 2] == '-' && s[p + 3] == '-') {
      p = CommentEnd(s, p + 4);
      continue;
    }
    if (c == '!' || c == '?') {
      p = BogusCommentEnd(s, p + 2);
      continue;
    }
    const bool end_tag = c == '/';
    const size_t name = p + (end_tag ? 2 : 1);
    if (name >= s.size() || !IsAsciiAlpha(s[name])) {
      if (!end_tag) {
        p = p + 1;  // a '<' that is text
      } else {
        p = name < s.size() && s[name] == '>' ? name + 1  // "</>"
                                              : BogusCommentEnd(s, name);
      }
      continue;
    }
    size_t attrs = name;
    while (attrs < s.size() && s[attrs] != '>' && !IsTagSpace(s[attrs]) &&
           s[attrs] != '/') {
      ++attrs;
    }
    size_t count = 0, end = ShortTagEnd(s, attrs, max_attributes);
    if (end == kNpos) end = ReadAttributes(s, attrs, &count, nullptr, 0);
    if (count > max_attributes) {
      spans.clear();
      count = 0;
      size_t last_end = 0;
      ReadAttributes(s, attrs, &count, &spans, max_attributes, &last_end);
      capped.append(html.substr(copied, p - copied));
      *dropped += AppendCappedTag(s, p, end, spans, max_attributes, count,
                                  last_end, &capped);
      copied = end;
    }
    const std::string_view tag = s.substr(name, attrs - name);
    if (!end_tag && clip == html.size() && KindOf(tag) != Kind::kOther &&
        KindOf(tag) != Kind::kSwitch) {
      const size_t close = RawTextEnd(html, end, tag);
      clip = close == kNpos ? html.size() : close;
    }
    p = end;
  }
  if (copied == 0) return false;
  capped.append(html.substr(copied));
  out->append(capped);
  return true;
}

SkimmedHtml::SkimmedHtml(std::string_view html, Options options) : html_(html) {
  const bool stand_in = options.stand_in_text && MayStandIn(html);
  // html_[text, p) is text read in the data state.
  size_t text = 0;
  for (size_t p = html.find('<'); p != kNpos; p = html.find('<', p)) {
    if (stand_in) StandIn(text, p);
    text = kNpos;
    const Markup m = ReadMarkup(html, p);
    if (m.end == kNpos) break;
    p = m.end;
    const Kind kind = KindOf(m.name);
    if (kind == Kind::kSwitch) break;
    text = p;
    if (kind == Kind::kOther) continue;
    text = kNpos;
    const size_t close = RawTextEnd(html, p, m.name);
    const size_t text_end = close == kNpos ? html.size() : close;
    if (kind == Kind::kHidden) {
      const std::string_view hidden = html.substr(p, text_end - p);
      if (EqualsNoCase(m.name, "script") && EscapesScript(hidden)) break;
      if (options.drop_script_and_style_text && !hidden.empty()) {
        Copy(p);
        copied_ = text_end;
      }
    }
    if (close == kNpos) break;
    p = close;
    text = close;
  }
  if (stand_in && text != kNpos) StandIn(text, html.size());
  if (changed_) Copy(html.size());
}

// Appends html_[copied_, end) to out_.
void SkimmedHtml::Copy(size_t end) {
  if (!changed_) out_.reserve(html_.size());
  changed_ = true;
  out_.append(html_.substr(copied_, end - copied_));
  copied_ = end;
}

// Stands in for the runs of text in html_[begin, end) (read in the data
// state), each from its first to its last non-space character: the spaces
// around a run stay, as tree building treats a leading space apart (in the
// head, a table) and a run without any non-space does not start the body.
void SkimmedHtml::StandIn(size_t begin, size_t end) {
  size_t p = begin;
  while (p < end && runs_.size() < kMaxRuns) {
    while (p < end && (IsTagSpace(html_[p]) || EndsRun(html_[p]))) {
      if (html_[p++] != '&') continue;
      while (p < end && InReference(html_[p])) ++p;
    }
    const size_t first = p;
    size_t last = p;  // after the last non-space
    for (; p < end && !EndsRun(html_[p]); ++p) {
      if (!IsTagSpace(html_[p])) last = p + 1;
    }
    if (last - first < kMinRunBytes) continue;
    Copy(first);
    AppendStandIn(runs_.size(), &out_);
    runs_.push_back(html_.substr(first, last - first));
    copied_ = last;
  }
}

std::string_view SkimmedHtml::Restore(std::string_view text,
                                      std::string* scratch) const {
  if (runs_.empty()) return text;
  size_t p = text.find('\xF3');
  if (p == kNpos) return text;
  scratch->clear();
  size_t copied = 0;
  for (; p != kNpos; p = text.find('\xF3', p)) {
    const size_t i = StandInAt(text, p);
    if (i >= runs_.size()) {
      ++p;
      continue;
    }
    scratch->append(text.substr(copied, p - copied));
    scratch->append(runs_[i]);
    p += 4;
    copied = p;
  }
  scratch->append(text.substr(copied));
  return *scratch;
}

bool DropScriptAndStyleText(std::string_view html, std::string* out) {
  const SkimmedHtml skim(html, {.drop_script_and_style_text = true,
                                .stand_in_text = false});
  if (!skim.changed()) return false;
  out->append(skim.html());
  return true;
}

}  // namespace oitwatch
