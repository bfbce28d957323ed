// A rule set: the OIT items (O1-O22 for BMA district offices), their
// components, the RE2 patterns that find evidence of each component in named
// fields, and the freshness rule each component must meet. Rules are data
// (config/rules/*.yaml); this is their in-memory form.
// Plain values; thread-compatible.
#ifndef OITWATCH_RULES_RULE_SET_H_
#define OITWATCH_RULES_RULE_SET_H_

#include <memory>
#include <string>
#include <vector>

namespace oitwatch {

// Where a pattern looks. Every field is normalised Thai text (see thai_text.h)
// before matching.
enum class Field {
  kLinkText,  // anchor text of a link to the candidate
  kUrl,       // the candidate's URL, percent-decoded (path and file name)
  kTitle,     // <title> of an HTML page
  kHeadings,  // <h1>-<h6> of an HTML page, joined by newlines
  kPageText,  // visible text of an HTML page
  kDocText,   // text extracted from a document (PDF)
};
const char* FieldName(Field field);  // "link_text", "url", "title", ...
bool ParseField(const std::string& name, Field* field);

enum class Freshness {
  kCurrentFy,    // dated in the assessed fiscal year
  kPreviousFy,   // dated in the fiscal year before (annual reports)
  kFirstHalf,    // covers the first six months (Oct-Mar) of the assessed FY
  kMonthly,      // one per month from October to the month before as-of
  kInForce,      // no year needed: the version in force
  kLive,         // must resolve at check time (links to e-services)
};
const char* FreshnessName(Freshness freshness);  // "current_fy", ...
bool ParseFreshness(const std::string& name, Freshness* freshness);

struct Pattern {
  Field field = Field::kLinkText;
  std::string regex;  // RE2 syntax, UTF-8
  int line = 0;       // line in the rule file, for messages
};

struct Component {
  std::string id;     // unique within the item, e.g. "plan"
  std::string title;  // Thai, shown in reports as a missing component
  Freshness freshness = Freshness::kCurrentFy;
  bool external_ok = false;  // evidence may live on another host (O2, O8, O12)
  std::vector<Pattern> patterns;  // any match makes a candidate
  std::vector<Pattern> exclude;   // a match in the same field drops it
  int line = 0;
};

struct Item {
  std::string id;            // "O1" ... "O22"
  std::string title;         // Thai title as in the ITA manual
  std::string title_en;
  std::string subindicator;  // e.g. "9.1"
  std::string confidence;    // "S" (sourced) or "I" (inferred), from items.md
  std::string note;
  std::vector<Component> components;
  int line = 0;
};

struct RuleSet {
  std::string id;          // e.g. "bma-district" (the JSON report's "ruleset")
  std::string version;     // e.g. "2568.1"
  int fiscal_year = 0;     // the FY the set was written for (BE)
  std::string title;
  bool provisional = false;      // not verified against the NACC manual
  std::vector<Pattern> placeholders;  // "under construction" page text
  // A whole text line ("ยังไม่มีข้อมูล") that makes a page a placeholder only
  // when it is all the page says beyond the site's chrome and its headings
  // (rules/placeholder_page.h): real evidence holds the phrase too.
  std::vector<Pattern> notices;
  std::vector<Item> items;
  std::string path;        // file it came from
};

class Matcher;

// Loads and validates a rule file: every pattern compiles under RE2 and
// matches no empty text, ids are unique, fields and freshness names are
// known, every item has a component and every component a pattern. Returns
// false with "FILE:LINE: what is wrong" (one message per problem,
// newline-separated, in file order) in *err.
//
// The patterns are checked on the rule set's Matcher (Matcher::Create),
// compiled once here; with `matcher` given, it is handed over (null if the
// Matcher could not be built although each pattern is fine, e.g. a set too
// large for memory: Matcher::Create then says why).
bool LoadRuleSet(const std::string& path, RuleSet* rules, std::string* err,
                 std::unique_ptr<Matcher>* matcher = nullptr);

}  // namespace oitwatch

#endif  // OITWATCH_RULES_RULE_SET_H_
