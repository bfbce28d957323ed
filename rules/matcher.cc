// Matcher: the only file that includes RE2. Every pattern is compiled once in
// Create; one RE2::Set per field finds candidate patterns in one pass over the
// text, then the single RE2 of each candidate gives the matched text. A long
// text is first searched for the literals a match must hold (LiteralGate).
#include "rules/matcher.h"

#include <re2/filtered_re2.h>
#include <re2/re2.h>
#include <re2/set.h>
#include <string.h>  // memmem

#include <algorithm>
#include <array>

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

std::unique_ptr<RE2> Compile(const std::string& regex, std::string* err) {
  auto re = std::make_unique<RE2>(regex, PatternOptions());
  if (!re->ok()) {
    *err = re->error();
    return nullptr;
  }
  if (re->ProgramSize() > kPatternMaxProgramSize) {
    *err = "program too large (" + std::to_string(re->ProgramSize()) + " > " +
           std::to_string(kPatternMaxProgramSize) + "): simplify the pattern";
    return nullptr;
  }
  return re;
}

re2::StringPiece Piece(std::string_view text) {
  return re2::StringPiece(text.data(), text.size());
}

// One compiled pattern of one component.
struct Entry {
  int component = 0;  // index into Impl::components
  int line = 0;
  std::unique_ptr<RE2> re;
};

// A text this long is searched for a gate's literals before the set's DFA
// pass (~3 ns a byte, whatever the patterns): every page's text (~38 KB
// normalised on the bench sites) against page_text's one pattern was a tenth
// of the crawl's CPU.
constexpr size_t kGateMinBytes = 2048;
constexpr int kGateMinAtomBytes = 6;  // two Thai letters; shorter: no gate
constexpr size_t kGateMaxAtoms = 12;
constexpr size_t kGateMaxPatterns = 8;

// True if every character of `atom` is matched only by its own bytes,
// whatever the pattern's case flags: ASCII other than letters, and Thai
// (U+0E00-0E7F, UTF-8 E0 B8 80 - E0 B9 BF), which has no case. RE2's
// prefilter lower-cases its atoms; for these, the text's own bytes are what
// a match holds.
bool CaselessAtom(std::string_view atom) {
  for (size_t i = 0; i < atom.size();) {
    const auto c = static_cast<unsigned char>(atom[i]);
    if (c < 0x80) {
      if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') return false;
      ++i;
    } else if (c == 0xE0 && i + 2 < atom.size() &&
               (atom[i + 1] == '\xB8' || atom[i + 1] == '\xB9')) {
      i += 3;
    } else {
      return false;
    }
  }
  return true;
}

// The literals (atoms) a text must hold for one of a field's patterns to
// match it, by RE2's prefilter (FilteredRE2): "ไม่มีเรื่องร้องเรียน" and
// one of "ทุจริต", "ประพฤติมิชอบ". A text that holds too few skips the set.
// Made only when every pattern has atoms and all are caseless, so skipping
// never loses a match.
class LiteralGate {
 public:
  // Null if the patterns cannot be gated, are too many to compile once more
  // or have too many atoms to search for.
  static std::unique_ptr<LiteralGate> Make(const std::vector<Entry>& entries);

  bool MayMatch(std::string_view text) const {
    std::vector<int> found;
    for (size_t i = 0; i < atoms_.size(); ++i) {
      if (memmem(text.data(), text.size(), atoms_[i].data(),
                 atoms_[i].size()) != nullptr) {
        found.push_back(static_cast<int>(i));
      }
    }
    if (found.empty()) return false;
    std::vector<int> patterns;
    filter_.AllPotentials(found, &patterns);
    return !patterns.empty();
  }

 private:
  re2::FilteredRE2 filter_{kGateMinAtomBytes};
  std::vector<std::string> atoms_;  // index == the filter's atom index
};

std::unique_ptr<LiteralGate> LiteralGate::Make(
    const std::vector<Entry>& entries) {
  if (entries.empty() || entries.size() > kGateMaxPatterns) return nullptr;
  auto gate = std::make_unique<LiteralGate>();
  for (const Entry& entry : entries) {
    int id = 0;
    if (gate->filter_.Add(entry.re->pattern(), entry.re->options(), &id) !=
        RE2::NoError) {
      return nullptr;
    }
  }
  gate->filter_.Compile(&gate->atoms_);
  std::vector<int> without_atoms;  // patterns any text may match
  gate->filter_.AllPotentials({}, &without_atoms);
  if (!without_atoms.empty() || gate->atoms_.empty() ||
      gate->atoms_.size() > kGateMaxAtoms ||
      !std::all_of(gate->atoms_.begin(), gate->atoms_.end(), CaselessAtom)) {
    return nullptr;
  }
  return gate;
}

struct ComponentRef {
  std::string item_id;
  std::string component_id;
};

// Patterns of one field: the set picks, the entries confirm and capture.
struct FieldIndex {
  std::unique_ptr<RE2::Set> set;
  // page_text only, the one long text (a whole page) with few patterns.
  std::unique_ptr<LiteralGate> gate;  // null: every text goes to the set
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
  bool BuildSets(std::string* err);
  std::vector<int> Candidates(const FieldIndex& index,
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
    std::string re_err;
    std::unique_ptr<RE2> re = Compile(pattern.regex, &re_err);
    if (re == nullptr) {
      *err = rules.path + ":" + std::to_string(pattern.line) + ": " + context +
             ": " + re_err;
      return false;
    }
    FieldIndex& index = fields[static_cast<int>(pattern.field)];
    (exclude ? index.exclude : index.entries)
        .push_back(Entry{component, pattern.line, std::move(re)});
  }
  return true;
}

bool Matcher::Impl::BuildSets(std::string* err) {
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
    if (index.entries.empty()) continue;
    if (f == static_cast<int>(Field::kPageText)) {
      index.gate = LiteralGate::Make(index.entries);
    }
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
  std::vector<int> hits;
  if (index.set == nullptr) return hits;
  if (index.gate != nullptr && text.size() >= kGateMinBytes &&
      !index.gate->MayMatch(text)) {
    return hits;
  }
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
                                         std::string* err) {
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
  if (!impl->BuildSets(err)) return nullptr;
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

}  // namespace oitwatch
