#include "storage/links_blob.h"

#include <cstdint>

#include "storage/varint_blob.h"

namespace oitwatch {
namespace {

constexpr char kFormatV1 = 0x01;

using blob::PutVarint;
using blob::Reader;

bool Fail(const std::string& what, size_t pos, std::vector<LinkRecord>* links,
          std::string* err) {
  if (links) links->clear();
  *err = "link blob: " + what + " at byte " + std::to_string(pos);
  return false;
}

}  // namespace

std::string EncodeLinks(const std::vector<LinkRecord>& links) {
  // A reserve hint: lengths up to 16 KiB take two bytes or fewer.
  size_t size = 1 + blob::kMaxVarintBytes;
  for (const LinkRecord& l : links) size += l.to_url.size() + l.text.size() + 4;
  std::string out;
  out.reserve(size);
  out.push_back(kFormatV1);
  PutVarint(links.size(), &out);
  for (const LinkRecord& l : links) {
    PutVarint(l.to_url.size(), &out);
    out += l.to_url;
    PutVarint(l.text.size(), &out);
    out += l.text;
  }
  return out;
}

bool DecodeLinks(std::string_view blob, std::vector<LinkRecord>* links,
                 std::string* err) {
  if (links) links->clear();
  if (blob.empty()) return Fail("empty", 0, links, err);
  if (blob[0] != kFormatV1) {
    return Fail(
        "unknown format " + std::to_string(static_cast<uint8_t>(blob[0])), 0,
        links, err);
  }
  Reader in(blob.substr(1));
  uint64_t count = 0;
  // Each link takes at least two bytes (two empty lengths): a larger count
  // is corrupt, and would otherwise reserve memory for nothing.
  if (!in.Varint(&count) || count > in.left() / 2) {
    return Fail("bad link count", 1 + in.pos(), links, err);
  }
  if (links) links->resize(static_cast<size_t>(count));
  for (uint64_t i = 0; i < count; ++i) {
    LinkRecord* link = links ? &(*links)[static_cast<size_t>(i)] : nullptr;
    if (!in.Bytes(link ? &link->to_url : nullptr) ||
        !in.Bytes(link ? &link->text : nullptr)) {
      return Fail("link " + std::to_string(i + 1) + " of " +
                      std::to_string(count) + " cut off or corrupt",
                  1 + in.pos(), links, err);
    }
  }
  if (in.left() != 0) {
    return Fail(std::to_string(in.left()) + " bytes after the last link",
                1 + in.pos(), links, err);
  }
  return true;
}

}  // namespace oitwatch
