// Rule file loader (yaml-cpp) and the Field / Freshness names. Every problem
// is collected as "FILE:LINE: what is wrong" so that one run of the loader
// shows all mistakes of a rule file; yaml-cpp exceptions stay in this file.
#include "rules/rule_set.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <exception>
#include <filesystem>
#include <memory>
#include <set>
#include <string_view>
#include <utility>

#include "rules/matcher.h"

namespace oitwatch {
namespace {

struct FieldEntry {
  Field field;
  const char* name;
};
constexpr FieldEntry kFieldNames[] = {
    {Field::kLinkText, "link_text"}, {Field::kUrl, "url"},
    {Field::kTitle, "title"},        {Field::kHeadings, "headings"},
    {Field::kPageText, "page_text"}, {Field::kDocText, "doc_text"},
};

struct FreshnessEntry {
  Freshness freshness;
  const char* name;
};
constexpr FreshnessEntry kFreshnessNames[] = {
    {Freshness::kCurrentFy, "current_fy"},
    {Freshness::kPreviousFy, "previous_fy"},
    {Freshness::kFirstHalf, "first_half"},
    {Freshness::kMonthly, "monthly"},
    {Freshness::kInForce, "in_force"},
    {Freshness::kLive, "live"},
};

const std::set<std::string> kTopKeys = {
    "ruleset",      "version", "fiscal_year", "title", "provisional",
    "placeholders", "notices", "items"};
const std::set<std::string> kItemKeys = {
    "id",         "title", "title_en",  "subindicator",
    "confidence", "note",  "components"};
const std::set<std::string> kComponentKeys = {
    "id", "title", "freshness", "external_ok", "match", "exclude"};

// True for a code point in the Thai block (U+0E00-U+0E7F), UTF-8 E0 B8/B9 xx.
bool EndsWithThai(std::string_view s) {
  return s.size() >= 3 && static_cast<unsigned char>(s[s.size() - 3]) == 0xE0 &&
         (static_cast<unsigned char>(s[s.size() - 2]) & 0xFE) == 0xB8;
}

bool StartsWithThai(std::string_view s) {
  return s.size() >= 3 && static_cast<unsigned char>(s[0]) == 0xE0 &&
         (static_cast<unsigned char>(s[1]) & 0xFE) == 0xB8;
}

// Normalised text never has a space between two Thai characters, so a
// pattern with one can never match.
bool HasSpaceBetweenThai(std::string_view regex) {
  for (size_t i = 0; i < regex.size(); ++i) {
    if (regex[i] != ' ') continue;
    if (EndsWithThai(regex.substr(0, i)) && StartsWithThai(regex.substr(i + 1)))
      return true;
  }
  return false;
}

// A Matcher of `pattern` alone (null if it does not compile), so that RE2
// stays in matcher.cc. It checks that the pattern compiles: the pattern is
// not compiled once more for that (CheckPattern) unless it fails, for the
// message.
std::unique_ptr<Matcher> OnePatternMatcher(const Pattern& pattern) {
  Component component;
  component.id = "c";
  component.patterns.push_back(pattern);
  Item item;
  item.id = "i";
  item.components.push_back(std::move(component));
  RuleSet one;
  one.items.push_back(std::move(item));
  std::string ignored;
  return Matcher::Create(one, &ignored, MatcherOptions{.index = false});
}

// What a pattern that matches empty text would do, by the list it is in.
std::string EmptyMatchEffect(const std::string& context) {
  if (context == "placeholders") return "every page would be a placeholder";
  if (context == "notices") return "every short page could be a placeholder";
  if (context.size() > 10 &&
      context.compare(context.size() - 10, 10, " (exclude)") == 0) {
    return "every candidate would be excluded";
  }
  return "every page would be evidence";
}

// Collects problems; each one carries the file and the 1-based line.
// Each pattern's checks (it compiles, matches no empty text, has no space
// between Thai letters) run once the whole file is read (CheckPatterns), on
// the rule set's own Matcher when it compiles: each pattern then compiles
// once, not once more on its own. Their problems are reported where the
// pattern stands among the others.
class Loader {
 public:
  explicit Loader(const std::string& path) : path_(path) {}

  void Error(int line, const std::string& what) {
    errors_.push_back({next_++, path_ + ":" + std::to_string(line) + ": " + what});
  }
  void Error(const YAML::Node& node, const std::string& what) {
    Error(Line(node), what);
  }
  static int Line(const YAML::Node& node) { return node.Mark().line + 1; }

  bool ok() const { return errors_.empty(); }
  std::string JoinedErrors() {
    std::stable_sort(errors_.begin(), errors_.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::string out;
    for (const auto& e : errors_) out += (out.empty() ? "" : "\n") + e.second;
    return out;
  }

  void LoadTop(const YAML::Node& root, RuleSet* rules);
  // `all`: the Matcher of the whole rule set, or null (it did not compile,
  // or the file has other problems): then each pattern is compiled alone.
  void CheckPatterns(const Matcher* all);

 private:
  bool CheckMap(const YAML::Node& node, const std::set<std::string>& allowed,
                const std::string& context);
  bool GetString(const YAML::Node& map, const char* key, bool required,
                 const std::string& context, std::string* out);
  void GetBool(const YAML::Node& map, const char* key,
               const std::string& context, bool* out);
  void GetFiscalYear(const YAML::Node& map, int* out);
  void LoadPatternList(const YAML::Node& list, Field field,
                       const std::string& context, std::vector<Pattern>* out);
  void LoadFieldMap(const YAML::Node& map, const std::string& context,
                    std::vector<Pattern>* out);
  void LoadComponent(const YAML::Node& node, const std::string& item_context,
                     Component* component);
  void LoadItem(const YAML::Node& node, Item* item);
  void LoadItems(const YAML::Node& list, std::vector<Item>* items);

  struct PendingCheck {
    size_t order;  // of its problems among the file's
    std::string context;
    Pattern pattern;
  };

  std::string path_;
  std::vector<std::pair<size_t, std::string>> errors_;  // (order, message)
  size_t next_ = 0;
  std::vector<PendingCheck> checks_;
};

std::string Prefix(const std::string& context) {
  return context.empty() ? "" : context + ": ";
}

// Reports a non-map, unknown keys (typos) and repeated keys.
bool Loader::CheckMap(const YAML::Node& node,
                      const std::set<std::string>& allowed,
                      const std::string& context) {
  if (!node.IsMap()) {
    Error(node, Prefix(context) + "expected a mapping of keys");
    return false;
  }
  std::set<std::string> seen;
  for (const auto& kv : node) {
    std::string key = kv.first.Scalar();
    if (!allowed.count(key)) {
      Error(kv.first, Prefix(context) + "unknown key '" + key + "'");
    } else if (!seen.insert(key).second) {
      Error(kv.first, Prefix(context) + "duplicate key '" + key + "'");
    }
  }
  return true;
}

bool Loader::GetString(const YAML::Node& map, const char* key, bool required,
                       const std::string& context, std::string* out) {
  const YAML::Node node = map[key];
  if (!node.IsDefined() || node.IsNull()) {
    if (required)
      Error(map, Prefix(context) + "missing required key '" + key + "'");
    return false;
  }
  if (!node.IsScalar() || node.Scalar().empty()) {
    Error(node, Prefix(context) + "'" + key + "' must be a non-empty string");
    return false;
  }
  *out = node.Scalar();
  return true;
}

void Loader::GetBool(const YAML::Node& map, const char* key,
                     const std::string& context, bool* out) {
  const YAML::Node node = map[key];
  if (!node.IsDefined() || node.IsNull()) return;
  if (!node.IsScalar() || !YAML::convert<bool>::decode(node, *out)) {
    Error(node, Prefix(context) + "'" + key + "' must be true or false");
  }
}

void Loader::GetFiscalYear(const YAML::Node& map, int* out) {
  std::string text;
  if (!GetString(map, "fiscal_year", true, "", &text)) return;
  const YAML::Node node = map["fiscal_year"];
  if (!YAML::convert<int>::decode(node, *out) || *out < 2500 || *out > 2700) {
    Error(node, "fiscal_year must be a Buddhist-era year such as 2568, got '" +
                    text + "'");
    *out = 0;
  }
}

void Loader::LoadPatternList(const YAML::Node& list, Field field,
                             const std::string& context,
                             std::vector<Pattern>* out) {
  if (!list.IsSequence()) {
    Error(list, context + ": expected a list of patterns");
    return;
  }
  for (const YAML::Node& node : list) {
    if (!node.IsScalar() || node.Scalar().empty()) {
      Error(node, context + ": pattern must be a non-empty string");
      continue;
    }
    Pattern pattern{field, node.Scalar(), Line(node)};
    checks_.push_back({next_++, context, pattern});
    out->push_back(std::move(pattern));
  }
}

// A pattern that matches empty text matches every text of its field (RE2
// looks for a match anywhere), so it finds "evidence" on every page, or
// excludes or flags every page: a false pass, never a rule.
void Loader::CheckPatterns(const Matcher* all) {
  std::set<std::string> empty_matching;
  const auto add_empty_matching = [&empty_matching](const Matcher& m) {
    for (std::string& regex : m.PatternsMatchingEmptyText()) {
      empty_matching.insert(std::move(regex));
    }
  };
  if (all != nullptr) add_empty_matching(*all);
  for (const PendingCheck& check : checks_) {
    const Pattern& pattern = check.pattern;
    std::string re_err, problem;
    // Compiled alone only when the whole set did not compile: every
    // pattern of a set that compiled compiles.
    if (all == nullptr) {
      const std::unique_ptr<Matcher> alone = OnePatternMatcher(pattern);
      if (alone != nullptr) {
        add_empty_matching(*alone);
      } else if (!CheckPattern(pattern.regex, &re_err)) {
        problem = "pattern does not compile: " + re_err;
      }
    }
    if (problem.empty() && HasSpaceBetweenThai(pattern.regex)) {
      problem =
          "pattern has a space between Thai letters (normalised text has "
          "none): " + pattern.regex;
    }
    if (problem.empty() && empty_matching.count(pattern.regex) != 0) {
      problem = "pattern '" + pattern.regex + "' matches empty text, so " +
                EmptyMatchEffect(check.context);
    }
    if (!problem.empty()) {
      errors_.push_back({check.order, path_ + ":" +
                                          std::to_string(pattern.line) + ": " +
                                          check.context + ": " + problem});
    }
  }
  checks_.clear();
}

// `match:` / `exclude:` — field name -> list of patterns.
void Loader::LoadFieldMap(const YAML::Node& map, const std::string& context,
                          std::vector<Pattern>* out) {
  if (!map.IsMap()) {
    Error(map, context + ": expected a mapping of field -> patterns");
    return;
  }
  std::set<std::string> seen;
  for (const auto& kv : map) {
    const std::string name = kv.first.Scalar();
    Field field;
    if (!ParseField(name, &field)) {
      Error(kv.first,
            context + ": unknown field '" + name +
                "' (link_text, url, title, headings, page_text, doc_text)");
      continue;
    }
    if (!seen.insert(name).second) {
      Error(kv.first, context + ": duplicate field '" + name + "'");
    }
    LoadPatternList(kv.second, field, context, out);
  }
}

void Loader::LoadComponent(const YAML::Node& node,
                           const std::string& item_context,
                           Component* component) {
  if (!node.IsMap()) {
    Error(node, item_context + ": component must be a mapping of keys");
    return;
  }
  component->line = Line(node);
  GetString(node, "id", true, item_context + " component", &component->id);
  const std::string context =
      item_context + " component " +
      (component->id.empty() ? "(no id)" : component->id);
  CheckMap(node, kComponentKeys, context);
  GetString(node, "title", true, context, &component->title);
  std::string freshness;
  if (GetString(node, "freshness", true, context, &freshness) &&
      !ParseFreshness(freshness, &component->freshness)) {
    Error(node["freshness"], context + ": unknown freshness '" + freshness +
                                 "' (current_fy, previous_fy, first_half, "
                                 "monthly, in_force, live)");
  }
  GetBool(node, "external_ok", context, &component->external_ok);
  const YAML::Node match = node["match"];
  if (match.IsDefined() && !match.IsNull()) {
    LoadFieldMap(match, context, &component->patterns);
  }
  if (component->patterns.empty()) {
    Error(match.IsDefined() ? match : node,
          context + ": needs at least one match pattern");
  }
  const YAML::Node exclude = node["exclude"];
  if (exclude.IsDefined() && !exclude.IsNull()) {
    LoadFieldMap(exclude, context + " (exclude)", &component->exclude);
  }
}

void Loader::LoadItem(const YAML::Node& node, Item* item) {
  if (!node.IsMap()) {
    Error(node, "item must be a mapping of keys");
    return;
  }
  item->line = Line(node);
  GetString(node, "id", true, "item", &item->id);
  const std::string context =
      "item " + (item->id.empty() ? "(no id)" : item->id);
  CheckMap(node, kItemKeys, context);
  GetString(node, "title", true, context, &item->title);
  GetString(node, "title_en", false, context, &item->title_en);
  GetString(node, "subindicator", false, context, &item->subindicator);
  GetString(node, "note", false, context, &item->note);
  if (GetString(node, "confidence", false, context, &item->confidence) &&
      item->confidence != "S" && item->confidence != "I") {
    Error(node["confidence"], context + ": confidence must be S or I");
  }
  const YAML::Node list = node["components"];
  if (!list.IsDefined() || !list.IsSequence() || list.size() == 0) {
    Error(list.IsDefined() ? list : node,
          context + ": needs at least one component");
    return;
  }
  std::set<std::string> ids;
  for (const YAML::Node& child : list) {
    Component component;
    LoadComponent(child, context, &component);
    if (!component.id.empty() && !ids.insert(component.id).second) {
      Error(child, context + ": duplicate component id '" + component.id + "'");
    }
    item->components.push_back(std::move(component));
  }
}

void Loader::LoadItems(const YAML::Node& list, std::vector<Item>* items) {
  if (!list.IsDefined() || list.IsNull() ||
      (list.IsSequence() && list.size() == 0)) {
    Error(list.IsDefined() ? list : YAML::Node(), "rule set has no items");
    return;
  }
  if (!list.IsSequence()) {
    Error(list, "'items' must be a list");
    return;
  }
  std::set<std::string> ids;
  for (const YAML::Node& node : list) {
    Item item;
    LoadItem(node, &item);
    if (!item.id.empty() && !ids.insert(item.id).second) {
      Error(node, "duplicate item id '" + item.id + "'");
    }
    items->push_back(std::move(item));
  }
}

void Loader::LoadTop(const YAML::Node& root, RuleSet* rules) {
  if (!root.IsDefined() || root.IsNull()) {
    Error(1, "empty rule file");
    return;
  }
  if (!CheckMap(root, kTopKeys, "")) return;
  GetString(root, "ruleset", true, "", &rules->id);
  GetString(root, "version", true, "", &rules->version);
  GetFiscalYear(root, &rules->fiscal_year);
  GetString(root, "title", true, "", &rules->title);
  GetBool(root, "provisional", "", &rules->provisional);
  const YAML::Node placeholders = root["placeholders"];
  if (placeholders.IsDefined() && !placeholders.IsNull()) {
    LoadPatternList(placeholders, Field::kPageText, "placeholders",
                    &rules->placeholders);
  }
  const YAML::Node notices = root["notices"];
  if (notices.IsDefined() && !notices.IsNull()) {
    LoadPatternList(notices, Field::kPageText, "notices", &rules->notices);
  }
  const YAML::Node items = root["items"];
  if (items.IsDefined()) {
    LoadItems(items, &rules->items);
  } else {
    Error(root, "missing required key 'items' (rule set has no items)");
  }
}

}  // namespace

const char* FieldName(Field field) {
  for (const FieldEntry& entry : kFieldNames) {
    if (entry.field == field) return entry.name;
  }
  return "unknown";
}

bool ParseField(const std::string& name, Field* field) {
  for (const FieldEntry& entry : kFieldNames) {
    if (name == entry.name) {
      *field = entry.field;
      return true;
    }
  }
  return false;
}

const char* FreshnessName(Freshness freshness) {
  for (const FreshnessEntry& entry : kFreshnessNames) {
    if (entry.freshness == freshness) return entry.name;
  }
  return "unknown";
}

bool ParseFreshness(const std::string& name, Freshness* freshness) {
  for (const FreshnessEntry& entry : kFreshnessNames) {
    if (name == entry.name) {
      *freshness = entry.freshness;
      return true;
    }
  }
  return false;
}

bool LoadRuleSet(const std::string& path, RuleSet* rules, std::string* err,
                 std::unique_ptr<Matcher>* matcher) {
  Loader loader(path);
  RuleSet loaded;
  loaded.path = path;
  std::error_code ec;  // a directory made LoadFile throw std::ios_failure
  if (std::filesystem::exists(path, ec) &&
      !std::filesystem::is_regular_file(path, ec)) {
    *err = path + ": not a regular file";
    return false;
  }
  try {
    loader.LoadTop(YAML::LoadFile(path), &loaded);
  } catch (const YAML::BadFile&) {
    *err = path + ": cannot open rule file";
    return false;
  } catch (const YAML::Exception& e) {
    // Syntax errors (ParserException) and anything else yaml-cpp throws.
    loader.Error(e.mark.line + 1, "YAML: " + e.msg);
  } catch (const std::exception& e) {
    *err = path + ": cannot read rule file: " + e.what();
    return false;
  }
  std::string ignored;  // a pattern that does not compile is found below
  std::unique_ptr<Matcher> all =
      loader.ok() ? Matcher::Create(loaded, &ignored) : nullptr;
  loader.CheckPatterns(all.get());
  if (!loader.ok()) {
    *err = loader.JoinedErrors();
    return false;
  }
  *rules = std::move(loaded);
  if (matcher != nullptr) *matcher = std::move(all);
  return true;
}

}  // namespace oitwatch
