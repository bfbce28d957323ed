// Strings stored once each and named by a dense id (0, 1, 2, ...): a site's
// crawl names the same URLs, link texts and matched words thousands of times,
// and a std::string per mention (32 bytes plus a heap block) is most of what
// a 2,000-page site would otherwise hold until it is judged. The bytes live
// in chunks that never move, so Get's views stay valid as long as the
// pool; the index is an open-addressing table of ids.
// Not copyable (the views point into it). Not thread-safe.
#ifndef OITWATCH_APP_STRING_POOL_H_
#define OITWATCH_APP_STRING_POOL_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace oitwatch {

class StringPool {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;  // "no such string"

  StringPool() = default;
  StringPool(const StringPool&) = delete;
  StringPool& operator=(const StringPool&) = delete;

  // The id of `s`, adding it if new.
  uint32_t Intern(std::string_view s);
  // The id of `s`, or kNone if it was never interned.
  uint32_t Find(std::string_view s) const { return Find(s, Hash(s)); }
  // As Find, given Hash(s) (computed ahead, e.g. on another thread).
  uint32_t Find(std::string_view s, uint32_t hash) const;
  // The hash the pool files `s` under. Thread-safe.
  static uint32_t Hash(std::string_view s);
  // REQUIRES: id < size().
  std::string_view Get(uint32_t id) const { return views_[id]; }
  size_t size() const { return views_.size(); }

 private:
  // Chunks grow from kFirstChunk to kLastChunk bytes (doubling), so a small
  // site's pool stays small.
  static constexpr size_t kFirstChunk = 1024;
  static constexpr size_t kLastChunk = 64 * 1024;

  // The slot holding `s`'s id, or the empty slot where it would go.
  size_t Slot(std::string_view s, uint32_t hash) const;
  const char* Copy(std::string_view s);
  void Rehash(size_t slots);

  std::vector<std::unique_ptr<char[]>> chunks_;
  size_t chunk_bytes_ = 0;  // size of the current chunk
  size_t chunk_free_ = 0;   // bytes left in it, from chunk_next_
  char* chunk_next_ = nullptr;
  std::vector<std::string_view> views_;  // by id
  std::vector<uint32_t> hashes_;         // by id
  std::vector<uint32_t> slots_;          // id + 1; 0 = empty
};

}  // namespace oitwatch

#endif  // OITWATCH_APP_STRING_POOL_H_
