#include "rules/overrides.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <exception>
#include <filesystem>
#include <set>

namespace oitwatch {
namespace {

const char kPinnedPrefix[] =
    "[URL ที่คณะทำงานกำหนด / committee-pinned URL] ";
const char kPinnedMatch[] = "(URL ที่คณะทำงานกำหนด / committee-pinned URL)";

std::string Where(const std::string& path, const YAML::Mark& mark) {
  return path + ":" + std::to_string(mark.line + 1) + ": ";
}

std::string Scalar(const YAML::Node& node, const char* key) {
  const YAML::Node v = node[key];
  return v && v.IsScalar() ? v.as<std::string>() : std::string();
}

bool KnownItem(const RuleSet& rules, const std::string& id) {
  return std::any_of(rules.items.begin(), rules.items.end(),
                     [&](const Item& item) { return item.id == id; });
}

// One entry's problems, or "" when it is fine.
std::string CheckEntry(const Override& o, const RuleSet& rules,
                       const std::vector<std::string>& site_ids) {
  if (o.site.empty() || o.item.empty()) return "each override needs site and item";
  if (std::find(site_ids.begin(), site_ids.end(), o.site) == site_ids.end()) {
    return "unknown site '" + o.site + "' (not in the sites file)";
  }
  if (!KnownItem(rules, o.item)) {
    return "unknown item '" + o.item + "' in rule set " + rules.id + " " +
           rules.version;
  }
  if (o.not_applicable == !o.url.empty()) {
    return "override of " + o.site + " " + o.item +
           " needs exactly one of url or not_applicable: true";
  }
  if (!o.url.empty() && o.url.rfind("http://", 0) != 0 &&
      o.url.rfind("https://", 0) != 0) {
    return "url must be http:// or https://, got '" + o.url + "'";
  }
  return "";
}

bool ReadEntry(const YAML::Node& node, Override* o, std::string* problem) {
  static const std::set<std::string> kKeys = {"site", "item", "url",
                                              "not_applicable", "note"};
  if (!node.IsMap()) {
    *problem = "each override is a map (site, item, url | not_applicable, note)";
    return false;
  }
  for (const auto& kv : node) {
    std::string key = kv.first.as<std::string>();
    if (!kKeys.count(key)) {
      *problem = "unknown key '" + key + "'";
      return false;
    }
  }
  o->site = Scalar(node, "site");
  o->item = Scalar(node, "item");
  o->url = Scalar(node, "url");
  o->note = Scalar(node, "note");
  const YAML::Node na = node["not_applicable"];
  if (na && !YAML::convert<bool>::decode(na, o->not_applicable)) {
    *problem = "not_applicable must be true or false";
    return false;
  }
  return true;
}

}  // namespace

bool LoadOverrides(const std::string& path, const RuleSet& rules,
                   const std::vector<std::string>& site_ids,
                   std::vector<Override>* overrides, std::string* err) {
  YAML::Node root;
  std::error_code ec;  // a directory made LoadFile throw std::ios_failure
  if (std::filesystem::exists(path, ec) &&
      !std::filesystem::is_regular_file(path, ec)) {
    *err = path + ": not a regular file";
    return false;
  }
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    *err = path + ": cannot read the overrides file";
    return false;
  } catch (const YAML::Exception& e) {
    *err = Where(path, e.mark) + e.msg;
    return false;
  } catch (const std::exception& e) {
    *err = path + ": cannot read the overrides file: " + e.what();
    return false;
  }
  const YAML::Node list = root["overrides"];
  if (!root.IsMap() || !list || !list.IsSequence()) {
    *err = path + ":1: expected a top-level 'overrides:' list";
    return false;
  }
  std::string problems;
  std::set<std::string> seen;
  for (const YAML::Node& node : list) {
    Override o;
    o.line = node.Mark().line + 1;
    std::string problem;
    if (ReadEntry(node, &o, &problem)) problem = CheckEntry(o, rules, site_ids);
    if (problem.empty() && !seen.insert(o.site + "\n" + o.item).second) {
      problem = "a second override for " + o.site + " " + o.item;
    }
    if (!problem.empty()) {
      problems += Where(path, node.Mark()) + problem + "\n";
      continue;
    }
    overrides->push_back(o);
  }
  if (problems.empty()) return true;
  problems.pop_back();
  *err = problems;
  return false;
}

namespace {

ItemVerdict JudgePinned(const Item& item, const JudgeContext& context,
                        const Override& o, const std::vector<UrlFacts>& facts,
                        const std::vector<Hit>& hits) {
  RuleSet one;
  one.items.push_back(item);
  std::vector<UrlFacts> pinned;
  for (const UrlFacts& f : facts) {
    if (f.url == o.url) pinned.push_back(f);
  }
  std::vector<Hit> pinned_hits;
  for (const Component& c : item.components) {
    const Hit* shown = nullptr;  // a real hit, shown as the evidence's text
    for (const Hit& real : hits) {
      // The committee's pin overrules an exclusion: its hits are left out.
      if (real.url == o.url && real.item_id == item.id &&
          real.component_id == c.id && !real.excluded) {
        shown = &real;
      }
    }
    if (shown != nullptr) pinned_hits.push_back(*shown);
    // The pin names the URL as every component (as a link text would), so
    // no component's hit is dropped as named otherwise (judge_component.h).
    pinned_hits.push_back(
        Hit{item.id, c.id, o.url, "", Field::kLinkText, kPinnedMatch, o.line});
  }
  ItemVerdict v = JudgeSite(one, context, pinned, pinned_hits).front();
  v.reason = kPinnedPrefix + v.reason;
  if (!o.note.empty()) v.reason += " — " + o.note;
  return v;
}

}  // namespace

void ApplyOverrides(const RuleSet& rules, const JudgeContext& context,
                    const std::vector<Override>& site_overrides,
                    const std::vector<UrlFacts>& facts,
                    const std::vector<Hit>& hits,
                    std::vector<ItemVerdict>* verdicts) {
  for (const Override& o : site_overrides) {
    auto item = std::find_if(rules.items.begin(), rules.items.end(),
                             [&](const Item& i) { return i.id == o.item; });
    auto v = std::find_if(verdicts->begin(), verdicts->end(),
                          [&](const ItemVerdict& x) { return x.item_id == o.item; });
    if (item == rules.items.end() || v == verdicts->end()) continue;
    if (o.not_applicable) {
      v->status = ItemStatus::kNotApplicable;
      v->reason = "คณะทำงานระบุว่าไม่เกี่ยวข้อง (not applicable, committee)" +
                  (o.note.empty() ? std::string() : ": " + o.note);
      v->missing_components.clear();
      v->missing_months.clear();
      v->evidence.clear();
      continue;
    }
    *v = JudgePinned(*item, context, o, facts, hits);
  }
}

}  // namespace oitwatch
