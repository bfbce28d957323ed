// The pieces the row blobs (links_blob.h, dates_blob.h) are written with:
// unsigned LEB128 varints and length-prefixed bytes, and a reader that
// checks the bytes left before every read, so a cut or corrupt blob is an
// error and never a read outside it. Header-only; thread-compatible.
#ifndef OITWATCH_STORAGE_VARINT_BLOB_H_
#define OITWATCH_STORAGE_VARINT_BLOB_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace oitwatch::blob {

// A uint64_t needs at most 10 LEB128 bytes (7 bits each).
inline constexpr int kMaxVarintBytes = 10;

inline void PutVarint(uint64_t value, std::string* out) {
  while (value >= 0x80) {
    out->push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out->push_back(static_cast<char>(value));
}

inline void PutBytes(std::string_view bytes, std::string* out) {
  PutVarint(bytes.size(), out);
  out->append(bytes);
}

// Reads a blob front to back.
class Reader {
 public:
  explicit Reader(std::string_view blob) : blob_(blob) {}

  size_t pos() const { return pos_; }
  size_t left() const { return blob_.size() - pos_; }

  // False on a varint cut off by the end or longer than 64 bits.
  bool Varint(uint64_t* value) {
    *value = 0;
    for (int i = 0; i < kMaxVarintBytes && pos_ < blob_.size(); ++i) {
      const auto byte = static_cast<uint8_t>(blob_[pos_++]);
      if (i == kMaxVarintBytes - 1 && byte > 1) return false;  // > 64 bits
      *value |= static_cast<uint64_t>(byte & 0x7f) << (7 * i);
      if ((byte & 0x80) == 0) return true;
    }
    return false;
  }

  // A varint that must fit an int in [0, max].
  bool Int(int max, int* value) {
    uint64_t v = 0;
    if (!Varint(&v) || v > static_cast<uint64_t>(max)) return false;
    *value = static_cast<int>(v);
    return true;
  }

  // A length-prefixed string (into *out unless null); false if the prefix
  // is bad or runs past the end.
  bool Bytes(std::string* out) {
    std::string_view view;
    if (!View(&view)) return false;
    if (out) out->assign(view);
    return true;
  }

  // As Bytes, as a view into the blob (no copy).
  bool View(std::string_view* out) {
    uint64_t size = 0;
    if (!Varint(&size) || size > left()) return false;
    *out = blob_.substr(pos_, static_cast<size_t>(size));
    pos_ += static_cast<size_t>(size);
    return true;
  }

 private:
  std::string_view blob_;
  size_t pos_ = 0;
};

}  // namespace oitwatch::blob

#endif  // OITWATCH_STORAGE_VARINT_BLOB_H_
