#include "storage/dates_blob.h"

#include <climits>
#include <cstdint>

#include "rules/rule_set.h"
#include "storage/varint_blob.h"

namespace oitwatch {
namespace {

constexpr char kFormatV1 = 0x01;

uint64_t ZigZag(int v) {
  const auto u = static_cast<uint64_t>(static_cast<int64_t>(v));
  return (u << 1) ^ (v < 0 ? ~uint64_t{0} : 0);
}

// False if `z` is no zigzag-encoded int.
bool UnZigZag(uint64_t z, int* v) {
  const int64_t s = static_cast<int64_t>(z >> 1) ^ -static_cast<int64_t>(z & 1);
  if (s < INT_MIN || s > INT_MAX) return false;
  *v = static_cast<int>(s);
  return true;
}

bool SignedInt(blob::Reader& in, int* v) {
  uint64_t z = 0;
  return in.Varint(&z) && UnZigZag(z, v);
}

bool Fail(const std::string& what, size_t pos, std::vector<DateFact>* dates,
          std::string* err) {
  dates->clear();
  *err = "date blob: " + what + " at byte " + std::to_string(pos);
  return false;
}

}  // namespace

std::string EncodeDates(const std::vector<DateFact>& dates) {
  std::string out;
  size_t size = 1 + blob::kMaxVarintBytes;
  for (const DateFact& d : dates) size += d.source.size() + d.text.size() + 24;
  out.reserve(size);
  out.push_back(kFormatV1);
  blob::PutVarint(dates.size(), &out);
  for (const DateFact& d : dates) {
    blob::PutBytes(FieldName(d.field), &out);
    blob::PutBytes(d.source, &out);
    blob::PutVarint(ZigZag(d.fiscal_year), &out);
    blob::PutVarint(ZigZag(d.year_be), &out);
    blob::PutVarint(ZigZag(d.month), &out);
    blob::PutVarint(ZigZag(d.day), &out);
    blob::PutVarint(d.fiscal_marker ? 1 : 0, &out);
    blob::PutBytes(d.text, &out);
  }
  return out;
}

bool DecodeDates(std::string_view blob, const std::string& url,
                 std::vector<DateFact>* dates, std::string* err) {
  dates->clear();
  if (blob.empty()) return Fail("empty", 0, dates, err);
  if (blob[0] != kFormatV1) {
    return Fail(
        "unknown format " + std::to_string(static_cast<uint8_t>(blob[0])), 0,
        dates, err);
  }
  blob::Reader in(blob.substr(1));
  uint64_t count = 0;
  // Each date takes at least eight bytes (three empty lengths, five
  // numbers): a larger count is corrupt.
  if (!in.Varint(&count) || count > in.left() / 8) {
    return Fail("bad date count", 1 + in.pos(), dates, err);
  }
  dates->resize(static_cast<size_t>(count));
  std::string field;
  for (uint64_t i = 0; i < count; ++i) {
    DateFact& d = (*dates)[static_cast<size_t>(i)];
    int marker = 0;
    if (!in.Bytes(&field) || !ParseField(field, &d.field) ||
        !in.Bytes(&d.source) || !SignedInt(in, &d.fiscal_year) ||
        !SignedInt(in, &d.year_be) || !SignedInt(in, &d.month) ||
        !SignedInt(in, &d.day) || !in.Int(1, &marker) ||
        !in.Bytes(&d.text)) {
      return Fail("date " + std::to_string(i + 1) + " of " +
                      std::to_string(count) + " cut off or corrupt",
                  1 + in.pos(), dates, err);
    }
    d.fiscal_marker = marker != 0;
    d.url = url;
  }
  if (in.left() != 0) {
    return Fail(std::to_string(in.left()) + " bytes after the last date",
                1 + in.pos(), dates, err);
  }
  return true;
}

}  // namespace oitwatch
