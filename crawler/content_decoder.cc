// Content-Encoding decoding (see content_decoder.h): one Stage per coding,
// each wrapping its C library (zlib, brotli, zstd) with a fixed output
// buffer, chained so a stage's output is the next stage's input, piece by
// piece: nothing is ever held whole but the body itself.
#include "crawler/content_decoder.h"

#include <brotli/decode.h>
#include <zlib.h>
#include <zstd.h>

#include <cctype>
#include <utility>

namespace oitwatch {

// One coding's decoder. Decode passes its output on through the owner's
// Emit(next_, ...), so a stage stops as soon as anything downstream says so.
class ContentDecoder::Stage {
 public:
  Stage(std::string name, ContentDecoder* owner, size_t next)
      : name_(std::move(name)), owner_(owner), next_(next) {}
  virtual ~Stage() = default;
  Stage(const Stage&) = delete;  // the C decoders are not copyable
  Stage& operator=(const Stage&) = delete;

  // False when the library could not set up its state (out of memory).
  virtual bool Init() = 0;
  // Undoes the coding of `in`: kOk, downstream's kTooLarge/kBadContent, or
  // kBadContent with *err for corrupt data or data after the end.
  virtual DecodeResult Decode(std::string_view in, std::string* err) = 0;
  // The stream reached its end marker.
  virtual bool ended() const = 0;

  const std::string& name() const { return name_; }
  size_t received() const { return received_; }  // bytes put in so far
  void Count(size_t bytes) { received_ += bytes; }

 protected:
  static constexpr size_t kChunk = 16 << 10;  // curl's write size
  DecodeResult Output(const unsigned char* data, size_t size) {
    return owner_->Emit(next_, {reinterpret_cast<const char*>(data), size});
  }
  std::string Corrupt(const char* why) const {
    return "corrupt " + name_ + " stream: " + (why != nullptr ? why : "?");
  }
  std::string Trailing() const {
    return "data after the end of the " + name_ + " stream";
  }
  unsigned char buffer_[kChunk];

 private:
  std::string name_;
  ContentDecoder* owner_;
  size_t next_;
  size_t received_ = 0;
};

namespace {

using Stage = ContentDecoder::Stage;

// gzip (windowBits 15+32 also takes a zlib stream, as curl does) and
// deflate: zlib-wrapped, or raw if the very first bytes are not a zlib
// header (curl's fallback for servers that send raw deflate, which may
// leave up to 4 bytes after the end).
class ZlibStage : public Stage {
 public:
  ZlibStage(std::string name, bool gzip, ContentDecoder* owner, size_t next)
      : Stage(std::move(name), owner, next), gzip_(gzip) {}
  ~ZlibStage() override { inflateEnd(&z_); }
  bool Init() override {
    return inflateInit2(&z_, gzip_ ? MAX_WBITS + 32 : MAX_WBITS) == Z_OK;
  }
  bool ended() const override { return ended_; }

  DecodeResult Decode(std::string_view in, std::string* err) override {
    if (ended_) return Extra(in.size(), err);
    if (MayFallBack()) {
      if (seen_.size() + in.size() <= kMaxSeen) {
        seen_.append(in);
      } else {
        seen_overflow_ = true;  // too far in to start again: no fallback
        seen_.clear();
      }
    }
    return Inflate(in, err);
  }

 private:
  static constexpr size_t kMaxSeen = 64 << 10;

  bool MayFallBack() const {
    return !gzip_ && !raw_ && !seen_overflow_ && z_.total_out == 0;
  }

  DecodeResult Inflate(std::string_view in, std::string* err) {
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z_.avail_in = static_cast<uInt>(in.size());
    for (;;) {
      z_.next_out = buffer_;
      z_.avail_out = kChunk;
      const int rc = inflate(&z_, Z_NO_FLUSH);
      const size_t produced = kChunk - z_.avail_out;
      if (rc == Z_DATA_ERROR && MayFallBack()) return RetryRaw(err);
      if (produced > 0) {
        const DecodeResult result = Output(buffer_, produced);
        if (result != DecodeResult::kOk) return result;
      }
      if (rc == Z_STREAM_END) {
        ended_ = true;
        seen_.clear();
        return Extra(z_.avail_in, err);
      }
      if (rc != Z_OK && rc != Z_BUF_ERROR) {  // data, dictionary, memory
        *err =
            Corrupt(rc == Z_NEED_DICT ? "needs a preset dictionary" : z_.msg);
        return DecodeResult::kBadContent;
      }
      if (rc == Z_BUF_ERROR || (z_.avail_in == 0 && z_.avail_out > 0))
        return DecodeResult::kOk;  // all input taken, all output given
    }
  }

  // Starts again as raw deflate with every byte seen so far.
  DecodeResult RetryRaw(std::string* err) {
    inflateEnd(&z_);
    z_ = z_stream{};
    raw_ = true;
    if (inflateInit2(&z_, -MAX_WBITS) != Z_OK) {
      *err = Corrupt("out of memory");
      return DecodeResult::kBadContent;
    }
    const std::string seen = std::move(seen_);
    seen_.clear();
    return Inflate(seen, err);
  }

  // `count` bytes arrived after the end of the stream.
  DecodeResult Extra(size_t count, std::string* err) {
    const size_t allowed = raw_ ? 4 : 0;  // curl: raw deflate's trailer
    extra_ += count;
    if (extra_ <= allowed) return DecodeResult::kOk;
    *err = Trailing();
    return DecodeResult::kBadContent;
  }

  z_stream z_{};
  bool gzip_;
  bool raw_ = false;
  bool ended_ = false;
  bool seen_overflow_ = false;
  std::string seen_;  // deflate: input so far, while a fallback may come
  size_t extra_ = 0;  // bytes after the end
};

class BrotliStage : public Stage {
 public:
  BrotliStage(ContentDecoder* owner, size_t next) : Stage("br", owner, next) {}
  ~BrotliStage() override {
    if (state_ != nullptr) BrotliDecoderDestroyInstance(state_);
  }
  bool Init() override {
    state_ = BrotliDecoderCreateInstance(nullptr, nullptr, nullptr);
    return state_ != nullptr;
  }
  bool ended() const override { return ended_; }

  DecodeResult Decode(std::string_view in, std::string* err) override {
    if (ended_) return Extra(err);
    size_t available_in = in.size();
    const uint8_t* next_in = reinterpret_cast<const uint8_t*>(in.data());
    for (;;) {
      size_t available_out = kChunk;
      uint8_t* next_out = buffer_;
      const BrotliDecoderResult rc = BrotliDecoderDecompressStream(
          state_, &available_in, &next_in, &available_out, &next_out, nullptr);
      if (available_out < kChunk) {
        const DecodeResult result = Output(buffer_, kChunk - available_out);
        if (result != DecodeResult::kOk) return result;
      }
      if (rc == BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT) continue;
      if (rc == BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT)
        return DecodeResult::kOk;
      if (rc == BROTLI_DECODER_RESULT_SUCCESS) {
        ended_ = true;
        return available_in == 0 ? DecodeResult::kOk : Extra(err);
      }
      *err =
          Corrupt(BrotliDecoderErrorString(BrotliDecoderGetErrorCode(state_)));
      return DecodeResult::kBadContent;
    }
  }

 private:
  DecodeResult Extra(std::string* err) const {
    *err = Trailing();
    return DecodeResult::kBadContent;
  }

  BrotliDecoderState* state_ = nullptr;
  bool ended_ = false;
};

// One or more zstd frames back to back (ZSTD_decompressStream, as curl).
class ZstdStage : public Stage {
 public:
  ZstdStage(ContentDecoder* owner, size_t next) : Stage("zstd", owner, next) {}
  ~ZstdStage() override { ZSTD_freeDCtx(context_); }
  bool Init() override {
    context_ = ZSTD_createDCtx();
    // RFC 9659 3: the zstd content coding's window is at most 8 MiB; a
    // larger one would make us allocate it.
    return context_ != nullptr && !ZSTD_isError(ZSTD_DCtx_setParameter(
                                      context_, ZSTD_d_windowLogMax, 23));
  }
  bool ended() const override { return ended_; }

  DecodeResult Decode(std::string_view in, std::string* err) override {
    ZSTD_inBuffer input{in.data(), in.size(), 0};
    for (;;) {
      ZSTD_outBuffer output{buffer_, kChunk, 0};
      const size_t before = input.pos;
      const size_t rc = ZSTD_decompressStream(context_, &output, &input);
      if (ZSTD_isError(rc)) {
        *err = Corrupt(ZSTD_getErrorName(rc));
        return DecodeResult::kBadContent;
      }
      // 0: the frame is whole and flushed. A later call that takes no
      // input answers with the next frame's header size: still ended.
      if (rc == 0) {
        ended_ = true;
      } else if (input.pos > before) {
        ended_ = false;  // a frame (maybe the next one) has begun
      }
      if (output.pos > 0) {
        const DecodeResult result = Output(buffer_, output.pos);
        if (result != DecodeResult::kOk) return result;
      }
      if (input.pos == input.size && output.pos < output.size)
        return DecodeResult::kOk;
    }
  }

 private:
  ZSTD_DCtx* context_ = nullptr;
  bool ended_ = false;
};

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The comma-separated codings, trimmed and lower-cased, empty ones dropped.
std::vector<std::string> SplitCodings(std::string_view list) {
  std::vector<std::string> codings;
  while (!list.empty()) {
    const size_t comma = list.find(',');
    std::string_view token = list.substr(0, comma);
    list = comma == std::string_view::npos ? "" : list.substr(comma + 1);
    while (!token.empty() && (token.front() == ' ' || token.front() == '\t'))
      token.remove_prefix(1);
    while (!token.empty() && (token.back() == ' ' || token.back() == '\t'))
      token.remove_suffix(1);
    if (!token.empty()) codings.push_back(Lower(token));
  }
  return codings;
}

// A stage for `coding`, nullptr for identity; *known false if unknown.
std::unique_ptr<Stage> NewStage(const std::string& coding,
                                ContentDecoder* owner, size_t next,
                                bool* known) {
  *known = true;
  if (coding == "gzip" || coding == "x-gzip")
    return std::make_unique<ZlibStage>("gzip", true, owner, next);
  if (coding == "deflate")
    return std::make_unique<ZlibStage>("deflate", false, owner, next);
  if (coding == "br") return std::make_unique<BrotliStage>(owner, next);
  if (coding == "zstd") return std::make_unique<ZstdStage>(owner, next);
  *known = coding == "identity" || coding == "none";
  return nullptr;
}

}  // namespace

std::unique_ptr<ContentDecoder> ContentDecoder::Create(
    std::string_view content_encoding, size_t max_bytes, std::string* err) {
  return Create(content_encoding, "", max_bytes, err);
}

std::unique_ptr<ContentDecoder> ContentDecoder::Create(
    std::string_view content_encoding, std::string_view transfer_encoding,
    size_t max_bytes, std::string* err) {
  std::vector<std::string> codings = SplitCodings(content_encoding);
  for (std::string& coding : SplitCodings(transfer_encoding)) {
    if (coding != "chunked") codings.push_back(std::move(coding));
  }
  if (codings.size() > static_cast<size_t>(kMaxCodings)) {
    std::string all;
    for (const std::string& coding : codings) {
      all += (all.empty() ? "" : ",") + coding;
    }
    *err = "more than " + std::to_string(kMaxCodings) +
           " stacked Content-Encodings (" + all + ")";
    return nullptr;
  }
  std::unique_ptr<ContentDecoder> decoder(new ContentDecoder());
  decoder->max_bytes_ = max_bytes;
  // The last coding applied is the first undone.
  for (auto it = codings.rbegin(); it != codings.rend(); ++it) {
    bool known = false;
    ContentDecoder* owner = decoder.get();
    std::unique_ptr<Stage> stage =
        NewStage(*it, owner, decoder->stages_.size() + 1, &known);
    if (!known) {
      *err = "unsupported Content-Encoding '" + *it + "'";
      return nullptr;
    }
    if (stage == nullptr) continue;  // identity
    if (!stage->Init()) {
      *err = "could not set up the " + *it + " decoder";
      return nullptr;
    }
    decoder->stages_.push_back(std::move(stage));
  }
  return decoder;
}

ContentDecoder::~ContentDecoder() = default;

DecodeResult ContentDecoder::Write(std::string_view raw, std::string* body) {
  if (state_ != DecodeResult::kOk || raw.empty()) return state_;
  body_ = body;
  const DecodeResult result = Emit(0, raw);
  body_ = nullptr;
  return result;
}

DecodeResult ContentDecoder::Finish() {
  if (state_ != DecodeResult::kOk) return state_;
  for (const std::unique_ptr<Stage>& stage : stages_) {
    if (stage->received() > 0 && !stage->ended())
      return Fail(DecodeResult::kBadContent,
                  "truncated " + stage->name() + " stream");
  }
  return DecodeResult::kOk;
}

DecodeResult ContentDecoder::Emit(size_t index, std::string_view bytes) {
  // Every stage's output is capped, not just the last: a stage that only
  // feeds the next one could otherwise be made to churn through gigabytes.
  // (Stage 0's input is the body as sent, which curl frames.)
  const bool last = index == stages_.size();
  const size_t so_far = last ? body_->size() : stages_[index]->received();
  if ((last || index > 0) && so_far + bytes.size() > max_bytes_)
    return Fail(DecodeResult::kTooLarge,
                "decoded body over " + std::to_string(max_bytes_) + " bytes");
  if (last) {
    body_->append(bytes);
    return DecodeResult::kOk;
  }
  Stage& stage = *stages_[index];
  stage.Count(bytes.size());
  std::string err;
  const DecodeResult result = stage.Decode(bytes, &err);
  // Without a message the failure came from downstream, already recorded.
  if (result != DecodeResult::kOk && !err.empty()) return Fail(result, err);
  return result;
}

DecodeResult ContentDecoder::Fail(DecodeResult result, std::string message) {
  if (state_ == DecodeResult::kOk) {
    state_ = result;
    error_ = std::move(message);
  }
  return state_;
}

}  // namespace oitwatch
