// Undoes an HTTP body's Content-Encoding (RFC 9110 8.4) as the bytes arrive,
// instead of libcurl: curl 7.88 never checks that a compressed stream ended,
// so a gzip body cut short (with a Content-Length that matches the cut) came
// out as a complete, shorter page (red-team probe S23). Here every coding
// must reach its own end (zlib's Z_STREAM_END, brotli's SUCCESS, a complete
// zstd frame) or the body is refused as truncated.
//
// Codings: gzip (x-gzip; like curl it also takes a zlib stream), deflate
// (zlib-wrapped, or raw deflate as some servers send it, as curl accepts),
// br, zstd (window at most 8 MiB, RFC 9659 3), and identity/none. Stacked
// codings ("gzip, br": br is undone first) up to kMaxCodings, like curl's
// MAX_ENCODE_STACK. Bombs: every stage's output and the body are capped at
// `max_bytes`, and work is done in small fixed buffers, so memory stays
// flat whatever the ratio. zlib, brotli and zstd stay inside
// content_decoder.cc (STYLE rule 7). Not thread-safe: one per response.
#ifndef OITWATCH_CRAWLER_CONTENT_DECODER_H_
#define OITWATCH_CRAWLER_CONTENT_DECODER_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace oitwatch {

// What we send as Accept-Encoding: exactly the codings we can undo.
inline constexpr char kAcceptEncoding[] = "gzip, deflate, br, zstd";

enum class DecodeResult {
  kOk,
  kTooLarge,    // decoded bytes would pass max_bytes
  kBadContent,  // unknown or too many codings, corrupt, truncated, trailing
};

class ContentDecoder {
 public:
  // Most codings one body may stack (curl's MAX_ENCODE_STACK,
  // CVE-2022-32206); identity counts, as in curl.
  static constexpr int kMaxCodings = 5;

  // A decoder for `content_encoding`: the Content-Encoding header values in
  // the order received, comma-separated (empty = identity). Returns nullptr
  // with *err for an unknown coding or more than kMaxCodings.
  static std::unique_ptr<ContentDecoder> Create(
      std::string_view content_encoding, size_t max_bytes, std::string* err);
  // The same for a response whose Transfer-Encoding header values
  // (`transfer_encoding`) name codings too: curl 7.88 undid "gzip, chunked",
  // so its codings but "chunked" (curl's own) are undone, before the
  // content codings; all count toward kMaxCodings.
  static std::unique_ptr<ContentDecoder> Create(
      std::string_view content_encoding, std::string_view transfer_encoding,
      size_t max_bytes, std::string* err);
  ~ContentDecoder();
  ContentDecoder(const ContentDecoder&) = delete;  // owns the C decoders
  ContentDecoder& operator=(const ContentDecoder&) = delete;

  // Undoes the codings of `raw`, the next bytes of the body, and appends
  // the result to *body. kTooLarge: *body would pass max_bytes (it keeps at
  // most max_bytes). kBadContent: error() says why. After anything but kOk
  // the decoder stays failed.
  DecodeResult Write(std::string_view raw, std::string* body);
  // At the end of the body: kBadContent ("truncated gzip stream") when a
  // coding that received bytes has not reached its end. A body of no bytes
  // at all (HEAD, 204, 304, Content-Length: 0) is fine.
  DecodeResult Finish();
  const std::string& error() const { return error_; }
  // True when nothing is undone (no coding, or only identity).
  bool identity() const { return stages_.empty(); }

  class Stage;  // one coding's decoder (content_decoder.cc)

 private:
  ContentDecoder() = default;
  // Passes `bytes` through stages_[index..] to *body_.
  DecodeResult Emit(size_t index, std::string_view bytes);
  DecodeResult Fail(DecodeResult result, std::string message);

  std::vector<std::unique_ptr<Stage>> stages_;  // in the order undone
  size_t max_bytes_ = 0;
  std::string* body_ = nullptr;  // during Write only
  DecodeResult state_ = DecodeResult::kOk;
  std::string error_;
};

}  // namespace oitwatch

#endif  // OITWATCH_CRAWLER_CONTENT_DECODER_H_
