// Skimming a page before Gumbo parses it: less to read, the same Document.
// The bytes are scanned the way the HTML tokenizer reads them (tags with
// quoted attributes, comments, RCDATA and RAWTEXT elements, script data) to
// know where the tokenizer is in its data state. Where that cannot be told
// from the bytes alone the skimming stops: from the first <svg> or <math> tag
// (foreign content: their <style> is markup), <select> or <frameset> (which
// ignore a <style> and parse its text, and drop text but keep its spaces) or
// <plaintext>, and from a script whose text holds "<!--" (the tokenizer's
// escaped states). tests/raw_text_test.cc compares the Documents of random
// tag soup parsed with and without skimming.
#ifndef OITWATCH_RULES_RAW_TEXT_H_
#define OITWATCH_RULES_RAW_TEXT_H_

#include <string>
#include <string_view>
#include <vector>

namespace oitwatch {

// What Gumbo parses in place of a page, and the way back from the text of
// that parse to the page's own text. Two savings, each optional:
// - the text of <script> and <style> elements is dropped (their tags stay;
//   CSS and JavaScript, a twentieth of a typical page, which the walk in
//   document.cc skips anyway);
// - a run of visible text (from its first to its last non-space character,
//   between tags, character references, NULs and CRs) is stood in for by one
//   private-use character, U+F0000 + the run's index. Gumbo reads text one
//   character at a time and that was two thirds of its work on our pages;
//   tree building asks of a character only whether it is a space, so a run
//   and its stand-in build the same tree, and Restore puts the run back
//   into the text of the node that holds the stand-in. No stand-ins where
//   the tokenizer may not be in its data state (the same places as above),
//   and none for a page that holds any character U+F0000-U+FFFFF itself or
//   as a numeric reference. Pure; thread-safe (no shared state).
class SkimmedHtml {
 public:
  struct Options {
    bool drop_script_and_style_text = true;
    bool stand_in_text = true;
  };

  // `html` (valid UTF-8) must outlive this object and its Restore results.
  SkimmedHtml(std::string_view html, Options options);

  // What to parse: `html` itself when there was nothing to skim.
  std::string_view html() const { return changed_ ? out_ : html_; }
  bool changed() const { return changed_; }
  size_t stand_ins() const { return runs_.size(); }

  // `text`, the text of a node of html()'s parse, as the page has it: `text`
  // itself, or *scratch holding it with the runs put back.
  std::string_view Restore(std::string_view text, std::string* scratch) const;

 private:
  void Copy(size_t end);
  void StandIn(size_t begin, size_t end);

  std::string_view html_;
  std::string out_;
  size_t copied_ = 0;  // html_[0, copied_) is in out_ already (or dropped)
  bool changed_ = false;
  std::vector<std::string_view> runs_;  // runs_[i]: text stood in by U+F0000+i
};

// Copies `html` into *out keeping at most `max_attributes` attributes of
// each tag, and after them the first of each attribute that tree building
// or the walk in document.cc reads (href, src, alt, title, http-equiv,
// content, type, encoding, color, face, size) that the tag did not have
// yet: Gumbo checks each attribute of a tag against all earlier ones, so
// a tag with 300,000 of them took many minutes. Tags are found as the
// tokenizer finds them; the text of script, style and the other raw text
// elements is searched too (in <svg> it is markup), a tag there ending no
// later than the element's end tag. Adds the number of attributes dropped
// to *dropped. Returns false, leaving *out alone, if no tag had more than
// `max_attributes`. REQUIRES: `max_attributes` > 0.
bool CapAttributes(std::string_view html, size_t max_attributes,
                   std::string* out, size_t* dropped);

// Appends to *out `html` without the text of its <script> and <style>
// elements (their tags stay). Returns false, leaving *out alone, if there was
// nothing to drop. REQUIRES: `html` is valid UTF-8.
bool DropScriptAndStyleText(std::string_view html, std::string* out);

}  // namespace oitwatch

#endif  // OITWATCH_RULES_RAW_TEXT_H_
