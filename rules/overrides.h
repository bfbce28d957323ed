// The committee's own knowledge, per site: the URL it will submit for an item
// (fetched and judged every run like any evidence, and the verdict then rests
// on that URL alone, as the assessors' will), or an item marked not
// applicable. Loaded from a YAML file; every verdict an override changes says
// so in its reason. Plain values; thread-compatible.
//
//   overrides:
//     - site: laksi
//       item: O15
//       url: https://webportal.bangkok.go.th/public/user_files_editor/41/O15.pdf
//       note: URL ที่จะส่งในระบบ ITAS
//     - site: laksi
//       item: O3
//       not_applicable: true
//       note: ไม่มีโรงเรียนสังกัดกรุงเทพมหานครในพื้นที่
#ifndef OITWATCH_RULES_OVERRIDES_H_
#define OITWATCH_RULES_OVERRIDES_H_

#include <string>
#include <vector>

#include "rules/evidence.h"
#include "rules/judge.h"
#include "rules/rule_set.h"

namespace oitwatch {

struct Override {
  std::string site;
  std::string item;
  std::string url;             // pinned URL ("" when not_applicable)
  bool not_applicable = false;
  std::string note;
  int line = 0;
};

// Loads an overrides file. Checks each entry against `rules` (known item)
// and `site_ids` (known site), exactly one of url / not_applicable, http(s)
// URLs, and no two entries for the same site and item. Returns false with
// "FILE:LINE: what is wrong" lines in *err.
bool LoadOverrides(const std::string& path, const RuleSet& rules,
                   const std::vector<std::string>& site_ids,
                   std::vector<Override>* overrides, std::string* err);

// Applies the overrides of one site to its verdicts (in place):
//  - not_applicable: status kNotApplicable, reason names the committee note;
//  - url: the item is judged again on the pinned URL alone (`facts` must
//    hold it; every component is taken as shown there, freshness and
//    reachability are checked as usual); the reason is prefixed.
// Unchecked verdicts stay unchecked.
void ApplyOverrides(const RuleSet& rules, const JudgeContext& context,
                    const std::vector<Override>& site_overrides,
                    const std::vector<UrlFacts>& facts,
                    const std::vector<Hit>& hits,
                    std::vector<ItemVerdict>* verdicts);

}  // namespace oitwatch

#endif  // OITWATCH_RULES_OVERRIDES_H_
