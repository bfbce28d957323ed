// Matcher: the only file that includes RE2. Every pattern is compiled once in
// Create. Per field, the strings its patterns need (FieldPrefilter) or else
// one RE2::Set pass over the text find candidate patterns; then the single
// RE2 of each candidate gives the matched text.
#include "rules/matcher.h"

#include <re2/filtered_re2.h>
#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <array>
#include <numeric>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "rules/atom_finder.h"
#include "rules/thai_text.h"

namespace oitwatch {
namespace {

constexpr size_t kMaxMatchedBytes = 200;
constexpr int kFieldCount = 6;  // Field::kLinkText .. Field::kDocText
// Memory budget of one field's set: its program, then its DFA cache. The
// cache fills with the text seen and is reset when full (a set never bails
// out then); if even one pass does not fit, Match falls back to the single
// patterns (slower, same answer). 8 MiB: a cache that grows with the corpus
// up to 64 MiB per field kept the crawl's memory from staying flat (bench
// SCALE: -12 MiB on 5 sites x 2,000 pages, same CPU); the shipped rule sets
// compile in half of it.
constexpr int64_t kSetMaxMem = 8 << 20;

RE2::Options PatternOptions() {
  RE2::Options options(RE2::Quiet);
  options.set_max_mem(kPatternMaxMem);
  return options;
}

// False with *err set if `re` compiled to too large a program.
bool CheckProgramSize(const RE2& re, std::string* err) {
  if (re.ProgramSize() <= kPatternMaxProgramSize) return true;
  *err = "program too large (" + std::to_string(re.ProgramSize()) + " > " +
         std::to_string(kPatternMaxProgramSize) + "): simplify the pattern";
  return false;
}

std::unique_ptr<RE2> Compile(const std::string& regex, std::string* err) {
  auto re = std::make_unique<RE2>(regex, PatternOptions());
  if (!re->ok()) {
    *err = re->error();
    return nullptr;
  }
  if (!CheckProgramSize(*re, err)) return nullptr;
  return re;
}

re2::StringPiece Piece(std::string_view text) {
  return re2::StringPiece(text.data(), text.size());
}

// One compiled pattern of one component.
struct Entry {
  int component = 0;  // index into Impl::components
  int line = 0;
  const RE2* re = nullptr;     // `owned`, or its field's FieldIndex::compiled
  std::unique_ptr<RE2> owned;  // an exclude pattern's
};

// Patterns any text may match (no atom) that a field's prefilter accepts:
// each is run on every text of the field.
constexpr size_t kPrefilterMaxWithoutAtoms = 8;
// Atoms past which none is looked at as required (each costs a pass over
// the others; a field of many patterns has none that all need).
constexpr size_t kPrefilterMaxRequiredAtoms = 16;

// A character of an atom: ASCII, or Thai (U+0E00-0E7F, UTF-8 E0 B8 80 -
// E0 B9 BF), which has no case. Returns its length, 0 for anything else.
size_t AtomCharLength(std::string_view atom, size_t i) {
  if (static_cast<unsigned char>(atom[i]) < 0x80) return 1;
  if (atom[i] == '\xE0' && i + 2 < atom.size() &&
      (atom[i + 1] == '\xB8' || atom[i + 1] == '\xB9')) {
    return 3;
  }
  return 0;
}

// The atoms of a field's patterns by RE2's prefilter (FilteredRE2): the
// strings a text must hold for a pattern to match it ("ไม่มีเรื่องร้องเรียน"
// and one of "ทุจริต", "ประพฤติมิชอบ"). The field's texts are searched for
// them (AtomFinder) and only the patterns they allow are run, instead of an
// RE2::Set: a set's many-match DFA over patterns with `.{0,40}` gaps built
// new states for almost every heading, ~60 us a heading, and read every
// page's text at ~3 ns a byte for page_text's one pattern.
//
// RE2 lower-cases atoms. Made only when every atom is ASCII or Thai; if one
// has an ASCII letter, a text is looked at lower-cased (ASCII), and one with
// a character that folds to an ASCII letter under (?i) (KELVIN SIGN, LONG
// S) is given to every pattern. So no match is ever lost.
class FieldPrefilter {
 public:
  // Null if the field's patterns cannot be prefiltered so. `compiled` holds
  // them (FieldIndex::compiled, one per entry, in order); it is compiled for
  // filtering here (FilteredRE2::Compile, once) and must outlive the result.
  static std::unique_ptr<FieldPrefilter> Make(re2::FilteredRE2* compiled);

  // Indices of the entries that may match `text`, ascending; nullopt: all.
  std::optional<std::vector<int>> Candidates(std::string_view text) const {
    std::vector<int> atoms;
    if (lower_) {
      if (text.find("\xE2\x84\xAA") != std::string_view::npos ||
          text.find("\xC5\xBF") != std::string_view::npos) {
        return std::nullopt;
      }
      std::string lowered(text);
      for (char& c : lowered) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      }
      atoms = finder_->Find(lowered);
    } else {
      atoms = finder_->Find(text);
    }
    std::vector<int> candidates;
    filter_->AllPotentials(atoms, &candidates);
    std::sort(candidates.begin(), candidates.end());
    return candidates;
  }

 private:
  const re2::FilteredRE2* filter_ = nullptr;
  std::unique_ptr<AtomFinder> finder_;
  bool lower_ = false;  // an atom has an ASCII letter
};

std::unique_ptr<FieldPrefilter> FieldPrefilter::Make(
    re2::FilteredRE2* compiled) {
  if (compiled == nullptr || compiled->NumRegexps() == 0) return nullptr;
  auto prefilter = std::make_unique<FieldPrefilter>();
  prefilter->filter_ = compiled;
  std::vector<std::string> atoms;
  compiled->Compile(&atoms);
  std::vector<int> without_atoms;
  compiled->AllPotentials({}, &without_atoms);
  if (without_atoms.size() > kPrefilterMaxWithoutAtoms) return nullptr;
  for (const std::string& atom : atoms) {
    if (atom.size() < AtomFinder::kMinAtomBytes) return nullptr;
    for (size_t i = 0; i < atom.size();) {
      const size_t n = AtomCharLength(atom, i);
      if (n == 0) return nullptr;
      prefilter->lower_ = prefilter->lower_ || (atom[i] >= 'a' && atom[i] <= 'z');
      i += n;
    }
  }
  // An atom every pattern needs: without it, no candidate (a page's text
  // rarely holds page_text's "ไม่มีเรื่องร้องเรียน": one search, not three).
  std::vector<int> all(atoms.size());
  std::iota(all.begin(), all.end(), 0);
  std::vector<bool> required(atoms.size());
  const bool few = atoms.size() <= kPrefilterMaxRequiredAtoms;
  for (size_t i = 0; few && without_atoms.empty() && i < atoms.size(); ++i) {
    std::vector<int> others = all, allowed;
    others.erase(others.begin() + i);
    compiled->AllPotentials(others, &allowed);
    required[i] = allowed.empty();
  }
  prefilter->finder_ =
      std::make_unique<AtomFinder>(std::move(atoms), std::move(required));
  return prefilter;
}

struct ComponentRef {
  std::string item_id;
  std::string component_id;
};

// Patterns of one field: the prefilter or the set picks, the entries
// confirm and capture.
struct FieldIndex {
  // The entries' RE2s, entry i as regexp i: compiled once, for both the
  // entries and the prefilter (which otherwise compiled each pattern again).
  std::unique_ptr<re2::FilteredRE2> compiled;
  std::unique_ptr<RE2::Set> set;
  std::unique_ptr<FieldPrefilter> prefilter;  // null: the set picks
  std::vector<Entry> entries;  // set index == entry index
  std::vector<Entry> exclude;
};

// Compiles a list of patterns that belong to no component (placeholders,
// notices). Returns false with "FILE:LINE: what: <RE2 error>".
bool CompileList(const std::string& path, const char* what,
                 const std::vector<Pattern>& patterns,
                 std::vector<std::unique_ptr<RE2>>* out, std::string* err) {
  for (const Pattern& pattern : patterns) {
    std::string re_err;
    std::unique_ptr<RE2> re = Compile(pattern.regex, &re_err);
    if (re == nullptr) {
      *err = path + ":" + std::to_string(pattern.line) + ": " + what + ": " +
             re_err;
      return false;
    }
    out->push_back(std::move(re));
  }
  return true;
}

}  // namespace

bool CheckPattern(const std::string& regex, std::string* err) {
  return Compile(regex, err) != nullptr;
}

struct Matcher::Impl {
  RuleSet rules;
  std::vector<ComponentRef> components;  // rule order
  std::array<FieldIndex, kFieldCount> fields;
  std::vector<std::unique_ptr<RE2>> placeholders;
  std::vector<std::unique_ptr<RE2>> notices;  // matched in full, one line
  // All placeholder patterns in one pass over a page (null: none).
  std::unique_ptr<RE2::Set> placeholder_set;

  bool AddPatterns(const std::vector<Pattern>& patterns, int component,
                   bool exclude, const std::string& context, std::string* err);
  bool BuildSets(const MatcherOptions& options, std::string* err);
  std::vector<int> Candidates(const FieldIndex& index,
                              std::string_view text) const;
  std::vector<int> SetCandidates(const FieldIndex& index,
                                 std::string_view text) const;
  std::vector<FieldMatch> Confirm(const FieldIndex& index,
                                  const std::vector<int>& candidates,
                                  std::string_view text,
                                  bool with_excluded = false) const;
  // The first exclude pattern of `component` that matches `text`, or null.
  const Entry* Excluded(const FieldIndex& index, int component,
                        std::string_view text, re2::StringPiece* whole) const;
  FieldMatch Found(int component, re2::StringPiece whole, int line,
                   bool excluded) const;
};

bool Matcher::Impl::AddPatterns(const std::vector<Pattern>& patterns,
                                int component, bool exclude,
                                const std::string& context, std::string* err) {
  for (const Pattern& pattern : patterns) {
    FieldIndex& index = fields[static_cast<int>(pattern.field)];
    std::string re_err;
    if (exclude) {
      std::unique_ptr<RE2> re = Compile(pattern.regex, &re_err);
      if (re != nullptr) {
        const RE2* compiled = re.get();
        index.exclude.push_back(
            Entry{component, pattern.line, compiled, std::move(re)});
        continue;
      }
    } else {
      if (index.compiled == nullptr) {
        index.compiled = std::make_unique<re2::FilteredRE2>(
            static_cast<int>(AtomFinder::kMinAtomBytes));
      }
      int id = 0;
      if (index.compiled->Add(pattern.regex, PatternOptions(), &id) ==
              RE2::NoError &&
          CheckProgramSize(index.compiled->GetRE2(id), &re_err)) {
        index.entries.push_back(
            Entry{component, pattern.line, &index.compiled->GetRE2(id), nullptr});
        continue;
      }
      if (re_err.empty()) Compile(pattern.regex, &re_err);  // for the message
    }
    *err = rules.path + ":" + std::to_string(pattern.line) + ": " + context +
           ": " + re_err;
    return false;
  }
  return true;
}

bool Matcher::Impl::BuildSets(const MatcherOptions& matcher_options,
                              std::string* err) {
  RE2::Options options = PatternOptions();
  options.set_max_mem(kSetMaxMem);
  // Adds `entries` (then, if asked, the placeholders) to a new set, compiled.
  const auto build = [&](const std::vector<Entry>& entries,
                         bool with_placeholders, const std::string& what,
                         std::unique_ptr<RE2::Set>* set) {
    *set = std::make_unique<RE2::Set>(options, RE2::UNANCHORED);
    std::string add_err;
    for (const Entry& entry : entries) {
      if ((*set)->Add(entry.re->pattern(), &add_err) < 0) {
        *err = rules.path + ":" + std::to_string(entry.line) + ": " + add_err;
        return false;
      }
    }
    for (size_t i = 0; with_placeholders && i < placeholders.size(); ++i) {
      if ((*set)->Add(placeholders[i]->pattern(), &add_err) < 0) {
        *err = rules.path + ": placeholders: " + add_err;
        return false;
      }
    }
    if (!(*set)->Compile()) {
      *err = rules.path + ": " + what + " do not fit in memory";
      return false;
    }
    return true;
  };
  for (int f = 0; f < kFieldCount; ++f) {
    FieldIndex& index = fields[f];
    if (index.entries.empty() || !matcher_options.index) continue;
    if (matcher_options.prefilter) {
      index.prefilter = FieldPrefilter::Make(index.compiled.get());
    }
    if (index.prefilter != nullptr) continue;
    if (!build(index.entries, false,
               std::string("patterns of field ") +
                   FieldName(static_cast<Field>(f)),
               &index.set)) {
      return false;
    }
  }
  if (placeholders.empty()) return true;
  return build({}, true, "placeholder patterns", &placeholder_set);
}

// Indices of entries that match, ascending (rule order).
std::vector<int> Matcher::Impl::Candidates(const FieldIndex& index,
                                           std::string_view text) const {
  std::optional<std::vector<int>> some;  // nullopt: all entries
  if (index.prefilter != nullptr) {
    some = index.prefilter->Candidates(text);
  } else if (index.set != nullptr || index.entries.empty()) {
    some = SetCandidates(index, text);
  }
  if (some) return *some;
  std::vector<int> all(index.entries.size());
  std::iota(all.begin(), all.end(), 0);
  return all;
}

std::vector<int> Matcher::Impl::SetCandidates(const FieldIndex& index,
                                              std::string_view text) const {
  std::vector<int> hits;
  if (index.set == nullptr) return hits;
  RE2::Set::ErrorInfo info;
  if (!index.set->Match(Piece(text), &hits, &info) &&
      info.kind != RE2::Set::kNoError) {
    hits.clear();  // DFA out of memory: ask each pattern on its own.
    for (size_t i = 0; i < index.entries.size(); ++i) {
      if (RE2::PartialMatch(Piece(text), *index.entries[i].re))
        hits.push_back(i);
    }
  }
  std::sort(hits.begin(), hits.end());
  return hits;
}

const Entry* Matcher::Impl::Excluded(const FieldIndex& index, int component,
                                     std::string_view text,
                                     re2::StringPiece* whole) const {
  for (const Entry& entry : index.exclude) {
    if (entry.component == component &&
        entry.re->Match(Piece(text), 0, text.size(), RE2::UNANCHORED, whole,
                        1)) {
      return &entry;
    }
  }
  return nullptr;
}

std::unique_ptr<Matcher> Matcher::Create(const RuleSet& rules,
                                         std::string* err,
                                         MatcherOptions options) {
  auto impl = std::make_unique<Impl>();
  impl->rules = rules;
  for (const Item& item : rules.items) {
    for (const Component& component : item.components) {
      const int index = impl->components.size();
      impl->components.push_back(ComponentRef{item.id, component.id});
      const std::string context =
          "item " + item.id + " component " + component.id;
      if (!impl->AddPatterns(component.patterns, index, false, context, err) ||
          !impl->AddPatterns(component.exclude, index, true, context, err)) {
        return nullptr;
      }
    }
  }
  if (!CompileList(rules.path, "placeholders", rules.placeholders,
                   &impl->placeholders, err) ||
      !CompileList(rules.path, "notices", rules.notices, &impl->notices,
                   err)) {
    return nullptr;
  }
  if (!impl->BuildSets(options, err)) return nullptr;
  return std::unique_ptr<Matcher>(new Matcher(std::move(impl)));
}

Matcher::Matcher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Matcher::~Matcher() = default;

FieldMatch Matcher::Impl::Found(int component, re2::StringPiece whole,
                                int line, bool excluded) const {
  const ComponentRef& ref = components[component];
  return FieldMatch{
      ref.item_id, ref.component_id,
      TruncateUtf8(std::string_view(whole.data(), whole.size()),
                   kMaxMatchedBytes),
      line, excluded};
}

std::vector<FieldMatch> Matcher::Impl::Confirm(
    const FieldIndex& index, const std::vector<int>& candidates,
    std::string_view text, bool with_excluded) const {
  std::vector<FieldMatch> matches;
  int last_component = -1;
  for (int i : candidates) {
    const Entry& entry = index.entries[i];
    if (entry.component == last_component) continue;  // one per component
    re2::StringPiece whole;
    if (!entry.re->Match(Piece(text), 0, text.size(), RE2::UNANCHORED, &whole,
                         1)) {
      continue;
    }
    last_component = entry.component;
    re2::StringPiece excluded_by;
    const Entry* exclude =
        Excluded(index, entry.component, text, &excluded_by);
    if (exclude == nullptr) {
      matches.push_back(Found(entry.component, whole, entry.line, false));
    } else if (with_excluded) {
      matches.push_back(
          Found(entry.component, excluded_by, exclude->line, true));
    }
  }
  return matches;
}

std::vector<FieldMatch> Matcher::Match(Field field,
                                       std::string_view text) const {
  const FieldIndex& index = impl_->fields[static_cast<int>(field)];
  return impl_->Confirm(index, impl_->Candidates(index, text), text);
}

std::vector<FieldMatch> Matcher::MatchWithExclusions(
    Field field, std::string_view text) const {
  const FieldIndex& index = impl_->fields[static_cast<int>(field)];
  return impl_->Confirm(index, impl_->Candidates(index, text), text, true);
}

bool Matcher::IsPlaceholder(std::string_view text) const {
  if (impl_->placeholder_set != nullptr) {
    RE2::Set::ErrorInfo info;
    if (impl_->placeholder_set->Match(Piece(text), nullptr, &info)) return true;
    if (info.kind == RE2::Set::kNoError) return false;
  }  // else DFA out of memory: ask each pattern on its own
  for (const std::unique_ptr<RE2>& re : impl_->placeholders) {
    if (RE2::PartialMatch(Piece(text), *re)) return true;
  }
  return false;
}

bool Matcher::IsNotice(std::string_view line) const {
  for (const std::unique_ptr<RE2>& re : impl_->notices) {
    if (RE2::FullMatch(Piece(line), *re)) return true;
  }
  return false;
}

const RuleSet& Matcher::rules() const { return impl_->rules; }

std::vector<std::string> Matcher::PatternsMatchingEmptyText() const {
  std::set<std::string> found;
  const auto check = [&found](const RE2& re) {
    if (RE2::PartialMatch(Piece(""), re)) found.insert(re.pattern());
  };
  for (const FieldIndex& index : impl_->fields) {
    for (const Entry& entry : index.entries) check(*entry.re);
    for (const Entry& entry : index.exclude) check(*entry.re);
  }
  for (const std::unique_ptr<RE2>& re : impl_->placeholders) check(*re);
  for (const std::unique_ptr<RE2>& re : impl_->notices) check(*re);
  return std::vector<std::string>(found.begin(), found.end());
}

}  // namespace oitwatch
