// Compiled form of a RuleSet: every pattern compiled once with RE2 (quiet,
// bounded max_mem); per field, the strings its patterns need (RE2's
// prefilter) or else one RE2::Set pick candidate patterns, then single RE2s
// give the matched text. Immutable after Create; const
// methods are thread-safe.
#ifndef OITWATCH_RULES_MATCHER_H_
#define OITWATCH_RULES_MATCHER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rules/evidence.h"
#include "rules/rule_set.h"

namespace oitwatch {

struct FieldMatch {
  std::string item_id;
  std::string component_id;
  std::string matched;   // matched text, cut to <= 200 bytes on a UTF-8 boundary
  int pattern_line = 0;
  // A pattern matched, but so did one of the component's exclude patterns
  // (MatchWithExclusions only): the text names something else (the 6-month
  // report, not the plan). `matched` and `pattern_line` are the exclude's.
  bool excluded = false;
};

// Budget of one rule pattern: RE2 memory and compiled program size. A
// pattern over either limit is a rule error (it would slow every page).
inline constexpr int64_t kPatternMaxMem = 1 << 20;
inline constexpr int kPatternMaxProgramSize = 10000;

// Compiles `regex` alone as the matcher does (RE2, quiet, bounded memory).
// Returns false with RE2's message ("missing ): (abc") or "program too large"
// in *err. Used by LoadRuleSet so that RE2 stays inside matcher.cc.
bool CheckPattern(const std::string& regex, std::string* err);

struct MatcherOptions {
  // Look for the strings a field's patterns need (RE2's prefilter) and run
  // only the patterns they allow, rather than the field's RE2::Set on every
  // text. Same answers; off only in the test that compares the two.
  bool prefilter = true;
  // False: neither a set nor a prefilter is built, and every pattern is run
  // on every text. For a matcher of one pattern (LoadRuleSet's check of
  // each), where building either costs more than it saves.
  bool index = true;
};

class Matcher {
 public:
  // Returns nullptr with "FILE:LINE: item O5 component plan: <RE2 error>"
  // in *err if a pattern does not compile.
  static std::unique_ptr<Matcher> Create(const RuleSet& rules, std::string* err,
                                         MatcherOptions options = {});
  ~Matcher();
  Matcher(const Matcher&) = delete;  // owns compiled RE2 programs
  Matcher& operator=(const Matcher&) = delete;

  // Components whose patterns match `text` in `field`, minus those whose
  // exclude patterns match the same text. `text` must already be normalised
  // (NormalizeThai). At most one FieldMatch per component.
  std::vector<FieldMatch> Match(Field field, std::string_view text) const;

  // As Match, plus one FieldMatch with `excluded` set for each component
  // whose patterns matched but whose exclude patterns matched too.
  std::vector<FieldMatch> MatchWithExclusions(Field field,
                                              std::string_view text) const;

  // True if the text looks like a placeholder ("อยู่ระหว่างปรับปรุงข้อมูล",
  // "coming soon") by the rule set's placeholder patterns.
  bool IsPlaceholder(std::string_view text) const;

  // True if the whole of `line` (one normalised text line of a page) is a
  // notice of the rule set's `notices` ("ยังไม่มีข้อมูล"). Whether the page
  // is a placeholder then depends on what else it says (placeholder_page.h).
  bool IsNotice(std::string_view line) const;

  const RuleSet& rules() const;

  // The regexes of the rule set (of every field, exclude, placeholder and
  // notice pattern) that match empty text, once each. Such a pattern
  // matches every text of its field: LoadRuleSet refuses it.
  std::vector<std::string> PatternsMatchingEmptyText() const;

 private:
  struct Impl;
  explicit Matcher(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace oitwatch

#endif  // OITWATCH_RULES_MATCHER_H_
