#include "storage/links_blob.h"

#include <zstd.h>

#include <cstdint>
#include <memory>

#include "storage/varint_blob.h"

namespace oitwatch {
namespace {

constexpr char kFormatV1 = 0x01;
constexpr char kFormatZstd = 0x02;
// Smaller v1 blobs are stored as they are: a frame's header and the call
// would cost more than they save.
constexpr size_t kCompressFrom = 1024;
// zstd's fastest levels: a page's links (menus, URLs of one host) shrink
// ~5x at ~500 MB/s, which costs less than writing the bytes saved to the
// WAL and then to the database.
constexpr int kZstdLevel = -1;
// The largest v1 blob a frame may hold (a page's links are capped at 2,000
// and its input at 32 MiB): a frame claiming more is corrupt.
constexpr unsigned long long kMaxPlainBytes = 64ull << 20;

struct CCtxFree {
  void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
};
struct DCtxFree {
  void operator()(ZSTD_DCtx* d) const { ZSTD_freeDCtx(d); }
};

using blob::PutVarint;
using blob::Reader;

bool Fail(const std::string& what, size_t pos, std::string* err) {
  *err = "link blob: " + what + " at byte " + std::to_string(pos);
  return false;
}

// The v1 blob of `links`.
std::string EncodePlain(const std::vector<LinkRecord>& links) {
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

// The v1 blob inside a kFormatZstd one into *plain; false with *err set if
// the frame is corrupt, of unknown size or larger than kMaxPlainBytes.
bool Decompress(std::string_view blob, std::string* plain, std::string* err) {
  const std::string_view frame = blob.substr(1);
  const unsigned long long size =
      ZSTD_getFrameContentSize(frame.data(), frame.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN ||
      size > kMaxPlainBytes) {
    *err = "link blob: bad compressed frame header";
    return false;
  }
  thread_local std::unique_ptr<ZSTD_DCtx, DCtxFree> dctx(ZSTD_createDCtx());
  plain->resize(static_cast<size_t>(size));
  const size_t got = ZSTD_decompressDCtx(dctx.get(), plain->data(),
                                         plain->size(), frame.data(),
                                         frame.size());
  if (ZSTD_isError(got) || got != size) {
    *err = std::string("link blob: compressed frame corrupt (") +
           (ZSTD_isError(got) ? ZSTD_getErrorName(got) : "short") + ")";
    return false;
  }
  if (plain->empty() || (*plain)[0] != kFormatV1) {
    *err = "link blob: compressed frame holds no links";
    return false;
  }
  return true;
}

// Calls on_count(count) and then on_link(url, text) for each link of the
// version 1 blob `blob` (views into it), in order; false with *err set if
// the blob is not one EncodePlain wrote.
template <typename OnCount, typename OnLink>
bool Walk(std::string_view blob, std::string* err, OnCount on_count,
          OnLink on_link) {
  if (blob.empty()) return Fail("empty", 0, err);
  if (blob[0] != kFormatV1) {
    return Fail(
        "unknown format " + std::to_string(static_cast<uint8_t>(blob[0])), 0,
        err);
  }
  Reader in(blob.substr(1));
  uint64_t count = 0;
  // Each link takes at least two bytes (two empty lengths): a larger count
  // is corrupt, and would otherwise reserve memory for nothing.
  if (!in.Varint(&count) || count > in.left() / 2) {
    return Fail("bad link count", 1 + in.pos(), err);
  }
  on_count(static_cast<size_t>(count));
  for (uint64_t i = 0; i < count; ++i) {
    std::string_view url, text;
    if (!in.View(&url) || !in.View(&text)) {
      return Fail("link " + std::to_string(i + 1) + " of " +
                      std::to_string(count) + " cut off or corrupt",
                  1 + in.pos(), err);
    }
    on_link(url, text);
  }
  if (in.left() != 0) {
    return Fail(std::to_string(in.left()) + " bytes after the last link",
                1 + in.pos(), err);
  }
  return true;
}

// The version 1 blob of `blob`: itself, or its frame decompressed into
// *plain (then a view of it); false with *err set if the frame is corrupt.
bool Plain(std::string_view blob, std::string* plain, std::string_view* out,
           std::string* err) {
  if (blob.empty() || blob[0] != kFormatZstd) {
    *out = blob;
    return true;
  }
  if (!Decompress(blob, plain, err)) return false;
  *out = *plain;
  return true;
}

}  // namespace

std::string EncodeLinks(const std::vector<LinkRecord>& links) {
  std::string plain = EncodePlain(links);
  if (plain.size() < kCompressFrom || plain.size() > kMaxPlainBytes) {
    return plain;  // not worth it, or more than a reader takes compressed
  }
  thread_local std::unique_ptr<ZSTD_CCtx, CCtxFree> cctx(ZSTD_createCCtx());
  std::string out(1 + ZSTD_compressBound(plain.size()), '\0');
  out[0] = kFormatZstd;
  const size_t n = ZSTD_compressCCtx(cctx.get(), out.data() + 1, out.size() - 1,
                                     plain.data(), plain.size(), kZstdLevel);
  if (ZSTD_isError(n) || 1 + n >= plain.size()) return plain;
  out.resize(1 + n);
  return out;
}

bool DecodeLinks(std::string_view blob, std::vector<LinkRecord>* links,
                 std::string* err) {
  if (links) links->clear();
  // A check (links null) runs for every page a night re-uses: its frame is
  // decompressed into a buffer the thread keeps.
  thread_local std::string check_buffer;
  std::string own;
  std::string_view plain;
  if (!Plain(blob, links ? &own : &check_buffer, &plain, err)) return false;
  const bool ok = Walk(
      plain, err,
      [&](size_t count) {
        if (links) links->reserve(count);
      },
      [&](std::string_view url, std::string_view text) {
        if (links) {
          links->push_back(LinkRecord{std::string(url), std::string(text)});
        }
      });
  if (!ok && links) links->clear();
  if (check_buffer.capacity() > kCompressFrom * 1024) {
    std::string().swap(check_buffer);  // not kept for a rare huge page
  }
  return ok;
}

bool DecodeLinks(std::string_view blob, LinkList* list, std::string* err) {
  list->bytes.clear();
  list->spans.clear();
  std::string_view plain;
  bool ok = Plain(blob, &list->bytes, &plain, err);
  if (ok && plain.data() != list->bytes.data()) {  // a plain blob: copied in
    list->bytes.assign(plain);
    plain = list->bytes;
  }
  const char* base = plain.data();
  auto at = [base](std::string_view v) {
    return static_cast<uint32_t>(v.data() - base);
  };
  ok = ok &&
       Walk(
           plain, err, [&](size_t count) { list->spans.reserve(count); },
           [&](std::string_view url, std::string_view text) {
             list->spans.push_back(LinkList::Span{
                 at(url), static_cast<uint32_t>(url.size()), at(text),
                 static_cast<uint32_t>(text.size())});
           });
  if (!ok) {
    list->bytes.clear();
    list->spans.clear();
  }
  return ok;
}

}  // namespace oitwatch
