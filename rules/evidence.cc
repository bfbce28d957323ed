// ItemStatus names: the words the reports, storage and alerts use.
#include "rules/evidence.h"

namespace oitwatch {
namespace {

struct StatusName {
  ItemStatus status;
  const char* name;
};

constexpr StatusName kStatusNames[] = {
    {ItemStatus::kPass, "pass"},     {ItemStatus::kPartial, "partial"},
    {ItemStatus::kStale, "stale"},   {ItemStatus::kMissing, "missing"},
    {ItemStatus::kBroken, "broken"}, {ItemStatus::kUnchecked, "unchecked"},
    {ItemStatus::kNotApplicable, "not_applicable"},
};

}  // namespace

const char* ItemStatusName(ItemStatus status) {
  for (const StatusName& entry : kStatusNames) {
    if (entry.status == status) return entry.name;
  }
  return "unknown";
}

bool ParseItemStatus(const std::string& name, ItemStatus* status) {
  for (const StatusName& entry : kStatusNames) {
    if (name == entry.name) {
      *status = entry.status;
      return true;
    }
  }
  return false;
}

bool ExclusionNamesUrl(Field field) {
  return field == Field::kLinkText || field == Field::kTitle ||
         field == Field::kDocText;
}

void MarkTooComplex(const std::string& why, UrlFacts* facts) {
  facts->ok = false;
  facts->outcome = kOutcomePdfTooComplex;
  if (!facts->error.empty()) facts->error += "; ";
  facts->error += why;
}

std::string NothingJudgedReason(const std::vector<ItemVerdict>& verdicts,
                                const std::string& notes) {
  std::string why = notes;
  bool unchecked = false;
  for (const ItemVerdict& v : verdicts) {
    if (v.status == ItemStatus::kNotApplicable) continue;
    if (v.status != ItemStatus::kUnchecked) return "";
    if (why.empty()) why = v.reason;
    unchecked = true;
  }
  if (!unchecked) return "";
  return "ตรวจรายการใดไม่ได้เลย (no item could be checked)" +
         (why.empty() ? std::string() : ": " + why);
}

}  // namespace oitwatch
