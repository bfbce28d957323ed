// ContentDecoder: every coding whole, cut short (red-team probe S23: curl
// 7.88 kept a cut gzip stream as a complete page), corrupt, with data after
// its end, stacked (RELIABILITY.md A14) and as a bomb (A12/A13). Inputs are
// compressed at test time with zlib, brotli and zstd.
#include "crawler/content_decoder.h"

#include <brotli/encode.h>
#include <gtest/gtest.h>
#include <zstd.h>

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "tests/test_compress.h"

namespace oitwatch {
namespace {

// ~40 KiB of HTML that does not compress to nothing.
std::string Page() {
  std::string page = "<html><body>";
  for (int i = 0; i < 2000; ++i)
    page += "<p>item " + std::to_string(i * i % 9973) + "</p>\n";
  return page + "</body></html>";
}

std::string Brotli(const std::string& data) {
  std::string out(BrotliEncoderMaxCompressedSize(data.size()), '\0');
  size_t size = out.size();
  EXPECT_TRUE(BrotliEncoderCompress(
      5, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_GENERIC, data.size(),
      reinterpret_cast<const uint8_t*>(data.data()), &size,
      reinterpret_cast<uint8_t*>(out.data())));
  out.resize(size);
  return out;
}

// One frame with a checksum; `window_log` > 0 streams it without a content
// size so the frame declares that window.
std::string Zstd(const std::string& data, int window_log = 0) {
  ZSTD_CCtx* context = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1);
  if (window_log > 0)
    ZSTD_CCtx_setParameter(context, ZSTD_c_windowLog, window_log);
  std::string out(ZSTD_compressBound(data.size()) + 64, '\0');
  ZSTD_outBuffer output{out.data(), out.size(), 0};
  ZSTD_inBuffer input{data.data(), data.size(), 0};
  ZSTD_compressStream2(context, &output, &input, ZSTD_e_continue);
  while (ZSTD_compressStream2(context, &output, &input, ZSTD_e_end) != 0) {
  }
  ZSTD_freeCCtx(context);
  out.resize(output.pos);
  return out;
}

struct Coding {
  std::string header;  // Content-Encoding value
  std::string stream;  // the name its messages use
  std::function<std::string(const std::string&)> encode;
};

std::vector<Coding> Codings() {
  return {
      {"gzip", "gzip", [](const std::string& d) { return Zlib(d, 31); }},
      {"x-gzip", "gzip", [](const std::string& d) { return Zlib(d, 31); }},
      {"deflate", "deflate", [](const std::string& d) { return Zlib(d, 15); }},
      {"deflate", "deflate", [](const std::string& d) { return Zlib(d, -15); }},
      {"br", "br", Brotli},
      {"zstd", "zstd", [](const std::string& d) { return Zstd(d); }},
  };
}

struct Decoded {
  DecodeResult result = DecodeResult::kOk;  // of Write, else of Finish
  std::string body;
  std::string error;
};

// Feeds `raw` in pieces of `piece` bytes, then finishes.
Decoded Decode(const std::string& coding, const std::string& raw,
               size_t piece = 16384, size_t max_bytes = 16u << 20) {
  Decoded out;
  std::unique_ptr<ContentDecoder> decoder =
      ContentDecoder::Create(coding, max_bytes, &out.error);
  if (decoder == nullptr) {
    ADD_FAILURE() << coding << ": " << out.error;
    return out;
  }
  for (size_t at = 0; at < raw.size() && out.result == DecodeResult::kOk;
       at += piece)
    out.result = decoder->Write(raw.substr(at, piece), &out.body);
  if (out.result == DecodeResult::kOk) out.result = decoder->Finish();
  out.error = decoder->error();
  return out;
}

TEST(ContentDecoderTest, EveryCodingDecodesWholeInAnyPieces) {
  const std::string page = Page();
  for (const Coding& coding : Codings()) {
    const std::string raw = coding.encode(page);
    for (size_t piece : {size_t{1}, size_t{7}, size_t{4096}, raw.size()}) {
      const Decoded d = Decode(coding.header, raw, piece);
      EXPECT_EQ(d.result, DecodeResult::kOk)
          << coding.header << " piece " << piece << ": " << d.error;
      EXPECT_TRUE(d.body == page) << coding.header << " piece " << piece;
    }
  }
}

// S23: a stream that stops before its end marker is refused, wherever cut.
TEST(ContentDecoderTest, S23_EveryCodingCutShortIsTruncated) {
  const std::string page = Page();
  for (const Coding& coding : Codings()) {
    const std::string raw = coding.encode(page);
    for (size_t keep :
         {size_t{1}, size_t{2}, size_t{10}, raw.size() / 2, raw.size() - 8,
          raw.size() - 1}) {
      const Decoded d = Decode(coding.header, raw.substr(0, keep));
      EXPECT_EQ(d.result, DecodeResult::kBadContent)
          << coding.header << " cut at " << keep << " of " << raw.size();
      EXPECT_EQ(d.error, "truncated " + coding.stream + " stream")
          << coding.header << " cut at " << keep;
    }
  }
}

TEST(ContentDecoderTest, DataThatIsNotTheCodingIsCorrupt) {
  const std::string junk(200, '\xff');
  for (const std::string coding : {"gzip", "deflate", "br", "zstd"}) {
    const Decoded d = Decode(coding, junk);
    EXPECT_EQ(d.result, DecodeResult::kBadContent) << coding;
    EXPECT_EQ(d.error.rfind("corrupt " + coding + " stream: ", 0), 0u)
        << coding << ": " << d.error;
  }
}

TEST(ContentDecoderTest, FlippedByteIsCaughtByTheChecksum) {
  const std::string page = Page();
  for (const Coding& coding : {Codings()[0], Codings()[5]}) {  // gzip, zstd
    std::string raw = coding.encode(page);
    raw[raw.size() / 2] ^= 0x01;
    const Decoded d = Decode(coding.header, raw);
    EXPECT_EQ(d.result, DecodeResult::kBadContent) << coding.header;
    EXPECT_NE(d.error.find("corrupt " + coding.stream), std::string::npos)
        << d.error;
  }
}

TEST(ContentDecoderTest, DataAfterTheEndIsBadContent) {
  const std::string page = Page();
  for (const Coding& coding : Codings()) {
    const Decoded d = Decode(coding.header, coding.encode(page) + "GARBAGE!");
    EXPECT_EQ(d.result, DecodeResult::kBadContent) << coding.header;
  }
  EXPECT_EQ(Decode("gzip", Zlib(page, 31) + "GARBAGE!").error,
            "data after the end of the gzip stream");
  EXPECT_EQ(Decode("br", Brotli(page) + "GARBAGE!").error,
            "data after the end of the br stream");
}

TEST(ContentDecoderTest, RawDeflateMayEndWithFourUnknownBytesAsInCurl) {
  const std::string raw = Zlib(Page(), -15);
  EXPECT_EQ(Decode("deflate", raw + "1234").result, DecodeResult::kOk);
  EXPECT_EQ(Decode("deflate", raw + "12345").result,
            DecodeResult::kBadContent);
}

TEST(ContentDecoderTest, A14_StackedCodingsAreUndoneLastFirst) {
  const std::string page = Page();
  Decoded d = Decode("gzip, br", Brotli(Zlib(page, 31)));
  EXPECT_EQ(d.result, DecodeResult::kOk) << d.error;
  EXPECT_TRUE(d.body == page);
  d = Decode("deflate,zstd , identity,gzip", Zlib(Zstd(Zlib(page, -15)), 31));
  EXPECT_EQ(d.result, DecodeResult::kOk) << d.error;
  EXPECT_TRUE(d.body == page);
}

TEST(ContentDecoderTest, A14_FiveStackedCodingsDecodeSixAreRefused) {
  const std::string page = Page();
  std::string raw = page;
  for (int i = 0; i < 5; ++i) raw = Zlib(raw, 31);
  const Decoded d = Decode("gzip, gzip, gzip, gzip, gzip", raw);
  EXPECT_EQ(d.result, DecodeResult::kOk) << d.error;
  EXPECT_TRUE(d.body == page);
  std::string err;
  EXPECT_EQ(ContentDecoder::Create("gzip, gzip, gzip, gzip, gzip, gzip",
                                   1 << 20, &err),
            nullptr);
  EXPECT_NE(err.find("more than 5"), std::string::npos) << err;
  EXPECT_EQ(ContentDecoder::Create("identity,identity,identity,identity,"
                                   "identity,gzip",
                                   1 << 20, &err),
            nullptr);
}

TEST(ContentDecoderTest, S23_StackedStreamCutInsideOrOutsideIsTruncated) {
  const std::string gzip = Zlib(Page(), 31);
  const std::string both = Brotli(gzip);
  EXPECT_EQ(Decode("gzip, br", both.substr(0, both.size() / 2)).error,
            "truncated br stream");
  EXPECT_EQ(Decode("gzip, br", Brotli(gzip.substr(0, gzip.size() / 2))).error,
            "truncated gzip stream");
}

TEST(ContentDecoderTest, UnknownCodingIsRefused) {
  for (const std::string coding : {"compress", "gzip, compress", "chunked",
                                   "gzip;q=1", "x-compress"}) {
    std::string err;
    EXPECT_EQ(ContentDecoder::Create(coding, 1 << 20, &err), nullptr)
        << coding;
    EXPECT_NE(err.find("unsupported Content-Encoding"), std::string::npos)
        << err;
  }
}

TEST(ContentDecoderTest, IdentityAndNoCodingPassThroughUnchanged) {
  const std::string bytes("\x1f\x8b not really gzip \0\xff", 21);
  for (const std::string coding : {"", "identity", "None", " identity , ,"}) {
    std::string err;
    std::unique_ptr<ContentDecoder> decoder =
        ContentDecoder::Create(coding, 1 << 20, &err);
    ASSERT_NE(decoder, nullptr) << coding << ": " << err;
    EXPECT_TRUE(decoder->identity()) << coding;
    const Decoded d = Decode(coding, bytes, 5);
    EXPECT_EQ(d.result, DecodeResult::kOk) << coding;
    EXPECT_EQ(d.body, bytes) << coding;
  }
}

TEST(ContentDecoderTest, CodingNamesAreCaseInsensitive) {
  const std::string page = Page();
  EXPECT_TRUE(Decode("GZIP", Zlib(page, 31)).body == page);
  EXPECT_TRUE(Decode("X-Gzip", Zlib(page, 31)).body == page);
  EXPECT_TRUE(Decode("Br", Brotli(page)).body == page);
}

// HEAD, 204, 304, Content-Length: 0: a coding named, no bytes sent.
TEST(ContentDecoderTest, NoBodyAtAllIsFine) {
  for (const std::string coding : {"gzip", "deflate", "br", "zstd"}) {
    const Decoded d = Decode(coding, "");
    EXPECT_EQ(d.result, DecodeResult::kOk) << coding << ": " << d.error;
    EXPECT_TRUE(d.body.empty());
  }
}

TEST(ContentDecoderTest, ZstdFramesBackToBackDecode) {
  const std::string page = Page();
  const Decoded d = Decode("zstd", Zstd(page) + Zstd(page), 1000);
  EXPECT_EQ(d.result, DecodeResult::kOk) << d.error;
  EXPECT_TRUE(d.body == page + page);
}

// Output in exact 16 KiB pieces: the call after the last one flushed asks
// for the next frame's header, which is not a cut-short frame.
TEST(ContentDecoderTest, ZstdOutputOfWholeChunksEnds) {
  const std::string zeros(131072, '\0');
  const Decoded d = Decode("zstd", Zstd(zeros));
  EXPECT_EQ(d.result, DecodeResult::kOk) << d.error;
  EXPECT_TRUE(d.body == zeros);
}

// RFC 9659 3: a zstd window over 8 MiB would make us allocate it.
TEST(ContentDecoderTest, ZstdWindowOver8MiBIsRefused) {
  const std::string page = Page();
  EXPECT_EQ(Decode("zstd", Zstd(page, 23)).result, DecodeResult::kOk);
  const Decoded d = Decode("zstd", Zstd(page, 24));
  EXPECT_EQ(d.result, DecodeResult::kBadContent);
  EXPECT_NE(d.error.find("corrupt zstd stream"), std::string::npos) << d.error;
}

// A12/A13: decoding stops at the cap; the body never passes it.
TEST(ContentDecoderTest, A12_A13_BombsStopAtTheCap) {
  const size_t cap = 1 << 20;
  const std::string zeros(16u << 20, '\0');
  const std::vector<std::pair<std::string, std::string>> bombs = {
      {"gzip", Zlib("", 31, size_t{64} << 20)},
      {"deflate", Zlib("", -15, size_t{64} << 20)},
      {"br", Brotli(zeros)},
      {"zstd", Zstd(zeros)},
      {"gzip, gzip", Zlib(Zlib("", 31, size_t{64} << 20), 31)},
  };
  for (const auto& [coding, bomb] : bombs) {
    ASSERT_LT(bomb.size(), 200u << 10) << coding;
    const Decoded d = Decode(coding, bomb, 16384, cap);
    EXPECT_EQ(d.result, DecodeResult::kTooLarge) << coding << ": " << d.error;
    EXPECT_LE(d.body.size(), cap) << coding;
    EXPECT_GT(d.body.size(), cap - (16u << 10)) << coding;  // filled to it
    EXPECT_EQ(d.error, "decoded body over 1048576 bytes") << coding;
  }
}

TEST(ContentDecoderTest, IdentityBodyIsCappedToo) {
  EXPECT_EQ(Decode("", std::string(11, 'a'), 4, 10).result,
            DecodeResult::kTooLarge);
  EXPECT_EQ(Decode("", std::string(10, 'a'), 4, 10).result, DecodeResult::kOk);
}

// An inner stream of empty stored blocks never ends and decodes to nothing:
// the outer gzip's output (2 MiB) is capped although the body stays empty.
TEST(ContentDecoderTest, EveryStageOutputIsCapped) {
  std::string empty_blocks;
  for (int i = 0; i < 400000; ++i) empty_blocks.append("\0\0\0\xff\xff", 5);
  const Decoded d =
      Decode("deflate, gzip", Zlib(empty_blocks, 31), 16384, 1 << 20);
  EXPECT_EQ(d.result, DecodeResult::kTooLarge) << d.error;
  EXPECT_TRUE(d.body.empty());
}

TEST(ContentDecoderTest, AFailedDecoderStaysFailed) {
  std::string err;
  std::unique_ptr<ContentDecoder> decoder =
      ContentDecoder::Create("gzip", 1 << 20, &err);
  ASSERT_NE(decoder, nullptr) << err;
  std::string body;
  EXPECT_EQ(decoder->Write("not gzip at all", &body),
            DecodeResult::kBadContent);
  EXPECT_EQ(decoder->Write(Zlib("x", 31), &body), DecodeResult::kBadContent);
  EXPECT_EQ(decoder->Finish(), DecodeResult::kBadContent);
  EXPECT_TRUE(body.empty());
}

}  // namespace
}  // namespace oitwatch
