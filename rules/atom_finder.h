// AtomFinder: which of a fixed list of strings (the atoms of RE2's
// prefilter, rules/matcher.cc) occur in a text, in one pass over it. The
// matcher then runs only the patterns those atoms allow, instead of one
// RE2::Set over every text: a set of patterns with `.{0,40}` gaps makes its
// DFA build new states for almost every heading (~60 us for ~500 bytes).
#ifndef OITWATCH_RULES_ATOM_FINDER_H_
#define OITWATCH_RULES_ATOM_FINDER_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace oitwatch {

class AtomFinder {
 public:
  // `atoms` must be 3 bytes or longer, each beginning a UTF-8 character (an
  // ASCII byte or a lead byte), as RE2's atoms of kMinAtomBytes do.
  // `required[i]`: the caller can do nothing with a text without atoms[i]
  // (every pattern needs it), so such a text finds none.
  explicit AtomFinder(std::vector<std::string> atoms,
                      std::vector<bool> required = {});

  static constexpr size_t kMinAtomBytes = 3;

  // Indices of the atoms that occur in `text`, ascending; none if a
  // required atom does not. Atoms are looked for byte for byte: a caller
  // that needs case-blind matching lowers the text first.
  std::vector<int> Find(std::string_view text) const;

  const std::vector<std::string>& atoms() const { return atoms_; }

 private:
  // Few atoms in a long text: one memmem each (glibc skips ahead), the
  // required ones first.
  std::vector<int> FindEach(std::string_view text) const;
  bool HasRequired(const std::vector<int>& found) const;
  // Otherwise: at each character, the atoms that begin with its first
  // three bytes.
  std::vector<int> FindByStart(std::string_view text) const;

  static uint32_t StartKey(const char* p) {
    return static_cast<uint8_t>(p[0]) | static_cast<uint8_t>(p[1]) << 8 |
           static_cast<uint32_t>(static_cast<uint8_t>(p[2])) << 16;
  }
  // Bit of bytes 2 and 3 of a start: most characters of a text begin no
  // atom, and this filter answers that from 8 KB.
  static uint32_t FilterBit(uint32_t key) { return key >> 8; }

  std::vector<std::string> atoms_;
  std::vector<int> required_;  // ascending
  std::unordered_map<uint32_t, std::vector<int>> by_start_;
  std::array<uint64_t, 1024> filter_{};
};

}  // namespace oitwatch

#endif  // OITWATCH_RULES_ATOM_FINDER_H_
