#include "app/string_pool.h"

#include <xxhash.h>

#include <algorithm>
#include <cstring>

namespace oitwatch {

// XXH3: a night's re-use looks up ~900,000 links (URL and text, ~170 bytes)
// here; std::hash (murmur) took ~3x as long over them.
uint32_t StringPool::Hash(std::string_view s) {
  const uint64_t h = XXH3_64bits(s.data(), s.size());
  return static_cast<uint32_t>(h ^ (h >> 32));
}

size_t StringPool::Slot(std::string_view s, uint32_t hash) const {
  const size_t mask = slots_.size() - 1;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    const uint32_t entry = slots_[i];
    if (entry == 0) return i;
    if (hashes_[entry - 1] == hash && views_[entry - 1] == s) return i;
  }
}

uint32_t StringPool::Find(std::string_view s, uint32_t hash) const {
  if (slots_.empty()) return kNone;
  const uint32_t entry = slots_[Slot(s, hash)];
  return entry == 0 ? kNone : entry - 1;
}

uint32_t StringPool::Intern(std::string_view s) {
  // At most half full: probes stay short.
  if (2 * (views_.size() + 1) > slots_.size()) {
    Rehash(slots_.empty() ? 64 : 2 * slots_.size());
  }
  const uint32_t hash = Hash(s);
  const size_t slot = Slot(s, hash);
  if (slots_[slot] != 0) return slots_[slot] - 1;
  const uint32_t id = static_cast<uint32_t>(views_.size());
  views_.emplace_back(Copy(s), s.size());
  hashes_.push_back(hash);
  slots_[slot] = id + 1;
  return id;
}

// Appends `s` to the current chunk, or to a new one, twice as large up to
// kLastChunk; a long string gets a chunk of its own (the current one stays
// open for the short ones).
const char* StringPool::Copy(std::string_view s) {
  if (s.empty()) return "";
  if (s.size() > chunk_free_ && s.size() > kLastChunk / 4) {
    chunks_.push_back(std::make_unique_for_overwrite<char[]>(s.size()));
    std::memcpy(chunks_.back().get(), s.data(), s.size());
    return chunks_.back().get();
  }
  if (s.size() > chunk_free_) {
    chunk_bytes_ = std::clamp(2 * chunk_bytes_, kFirstChunk, kLastChunk);
    const size_t bytes = std::max(chunk_bytes_, s.size());
    chunks_.push_back(std::make_unique_for_overwrite<char[]>(bytes));
    chunk_next_ = chunks_.back().get();
    chunk_free_ = bytes;
  }
  char* out = chunk_next_;
  std::memcpy(out, s.data(), s.size());
  chunk_next_ += s.size();
  chunk_free_ -= s.size();
  return out;
}

void StringPool::Rehash(size_t slots) {
  slots_.assign(slots, 0);
  const size_t mask = slots - 1;
  for (uint32_t id = 0; id < views_.size(); ++id) {
    size_t i = hashes_[id] & mask;
    while (slots_[i] != 0) i = (i + 1) & mask;
    slots_[i] = id + 1;
  }
}

}  // namespace oitwatch
