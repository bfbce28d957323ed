#include "rules/atom_finder.h"

#include <string.h>  // memmem

#include <algorithm>
#include <utility>

namespace oitwatch {
namespace {

// Below this many atoms, a text this long is searched once per atom: a
// whole page's text (~38 KB normalised) against page_text's three atoms.
constexpr size_t kEachMaxAtoms = 12;
constexpr size_t kEachMinBytes = 2048;

bool IsContinuationByte(char c) {
  return (static_cast<uint8_t>(c) & 0xC0) == 0x80;
}

}  // namespace

AtomFinder::AtomFinder(std::vector<std::string> atoms,
                       std::vector<bool> required)
    : atoms_(std::move(atoms)) {
  for (size_t i = 0; i < atoms_.size(); ++i) {
    if (i < required.size() && required[i]) {
      required_.push_back(static_cast<int>(i));
    }
    const std::string& atom = atoms_[i];
    if (atom.size() < kMinAtomBytes) continue;  // never found; see the header
    const uint32_t key = StartKey(atom.data());
    by_start_[key].push_back(static_cast<int>(i));
    filter_[FilterBit(key) >> 6] |= uint64_t{1} << (FilterBit(key) & 63);
  }
}

std::vector<int> AtomFinder::Find(std::string_view text) const {
  if (atoms_.size() <= kEachMaxAtoms && text.size() >= kEachMinBytes) {
    return FindEach(text);
  }
  std::vector<int> found = FindByStart(text);
  if (!HasRequired(found)) found.clear();
  return found;
}

bool AtomFinder::HasRequired(const std::vector<int>& found) const {
  return std::includes(found.begin(), found.end(), required_.begin(),
                       required_.end());
}

std::vector<int> AtomFinder::FindEach(std::string_view text) const {
  const auto occurs = [this, text](int i) {
    const std::string& atom = atoms_[i];
    return atom.size() >= kMinAtomBytes &&
           memmem(text.data(), text.size(), atom.data(), atom.size()) !=
               nullptr;
  };
  std::vector<int> found;
  for (int i : required_) {
    if (!occurs(i)) return found;  // most long texts stop at the first
  }
  for (size_t i = 0; i < atoms_.size(); ++i) {
    const bool required =
        std::binary_search(required_.begin(), required_.end(), i);
    if (required || occurs(static_cast<int>(i))) {
      found.push_back(static_cast<int>(i));
    }
  }
  return found;
}

std::vector<int> AtomFinder::FindByStart(std::string_view text) const {
  std::vector<int> found;
  if (text.size() < kMinAtomBytes) return found;
  const size_t last = text.size() - kMinAtomBytes;
  for (size_t at = 0; at <= last; ++at) {
    // An atom begins a character, so never at a continuation byte.
    if (IsContinuationByte(text[at])) continue;
    const uint32_t key = StartKey(text.data() + at);
    const uint32_t bit = FilterBit(key);
    if ((filter_[bit >> 6] >> (bit & 63) & 1) == 0) continue;
    const auto starts = by_start_.find(key);
    if (starts == by_start_.end()) continue;
    for (int i : starts->second) {
      const std::string& atom = atoms_[i];
      if (text.compare(at, atom.size(), atom) == 0) found.push_back(i);
    }
  }
  std::sort(found.begin(), found.end());
  found.erase(std::unique(found.begin(), found.end()), found.end());
  return found;
}

}  // namespace oitwatch
