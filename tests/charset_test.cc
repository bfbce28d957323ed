#include "crawler/charset.h"

#include <gtest/gtest.h>
#include <iconv.h>

#include <cstdint>
#include <iterator>
#include <random>
#include <string>

namespace oitwatch {
namespace {

const std::string kSawasdeeTis = "\xCA\xC7\xD1\xCA\xB4\xD5";  // สวัสดี in TIS-620
const std::string kSawasdee = "สวัสดี";

TEST(CharsetTest, CanonicalEncodingTable) {
  const struct {
    const char* label;
    const char* want;
  } kCases[] = {
      {"tis-620", "windows-874"},
      {"TIS-620", "windows-874"},
      {"iso-8859-11", "windows-874"},
      {"windows-874", "windows-874"},
      {"x-windows-874", "windows-874"},
      {"dos-874", "windows-874"},
      {" \"UTF-8\" ", "utf-8"},
      {"utf8", "utf-8"},
      {"iso-8859-1", "windows-1252"},
      {"us-ascii", "windows-1252"},
      {"utf-16", "utf-16le"},
      {"klingon", ""},
      {"", ""},
  };
  for (const auto& c : kCases)
    EXPECT_EQ(CanonicalEncoding(c.label), c.want) << c.label;
}

TEST(CharsetTest, Tis620LabelDecodesThai) {
  for (const char* type :
       {"text/html; charset=tis-620", "text/html; charset=TIS-620",
        "text/html;charset=\"windows-874\"", "text/html; charset=iso-8859-11",
        "text/html; charset=x-windows-874", "text/html; charset=dos-874"}) {
    const DecodedText text = DecodeToUtf8(kSawasdeeTis, type);
    EXPECT_EQ(text.utf8, kSawasdee) << type;
    EXPECT_EQ(text.encoding, "windows-874") << type;
    EXPECT_EQ(text.source, "header") << type;
    EXPECT_FALSE(text.inconsistent) << type;
  }
}

TEST(CharsetTest, Windows874ExtrasDecode) {
  const DecodedText text = DecodeToUtf8(
      "a\x96"
      "b\x80",
      "text/html; charset=tis-620");
  EXPECT_EQ(text.utf8,
            "a\xE2\x80\x93"
            "b\xE2\x82\xAC");  // U+2013, U+20AC
}

TEST(CharsetTest, HeaderBeatsMeta) {
  const std::string body = "<meta charset=\"utf-8\"><p>" + kSawasdeeTis;
  const DecodedText text = DecodeToUtf8(body, "text/html; charset=tis-620");
  EXPECT_EQ(text.source, "header");
  EXPECT_EQ(text.encoding, "windows-874");
  EXPECT_EQ(text.utf8, "<meta charset=\"utf-8\"><p>" + kSawasdee);
}

TEST(CharsetTest, MetaCharsetIsUsedWithoutHeader) {
  for (const std::string meta :
       {"<META CHARSET=tis-620>",
        "<meta http-equiv=\"Content-Type\" "
        "content=\"text/html; charset=windows-874\">"}) {
    const DecodedText text = DecodeToUtf8(meta + kSawasdeeTis, "text/html");
    EXPECT_EQ(text.source, "meta") << meta;
    EXPECT_EQ(text.utf8, meta + kSawasdee) << meta;
  }
}

TEST(CharsetTest, MetaAfterFirst1024BytesIsIgnored) {
  const std::string body =
      std::string(1100, ' ') + "<meta charset=tis-620>" + kSawasdee;
  const DecodedText text = DecodeToUtf8(body, "");
  EXPECT_EQ(text.source, "sniff");
  EXPECT_EQ(text.encoding, "utf-8");
}

TEST(CharsetTest, BomBeatsHeaderAndMeta) {
  const std::string body = "\xEF\xBB\xBF<meta charset=tis-620>" + kSawasdee;
  const DecodedText text = DecodeToUtf8(body, "text/html; charset=tis-620");
  EXPECT_EQ(text.source, "bom");
  EXPECT_EQ(text.encoding, "utf-8");
  EXPECT_EQ(text.utf8, "<meta charset=tis-620>" + kSawasdee);
}

TEST(CharsetTest, Utf16Boms) {
  const std::string le(
      "\xFF\xFE"
      "A\0\x2A\x0E",
      6);  // "Aส" little-endian
  const std::string be("\xFE\xFF\0A\x0E\x2A", 6);
  EXPECT_EQ(DecodeToUtf8(le, "").utf8, "Aส");
  EXPECT_EQ(DecodeToUtf8(le, "").encoding, "utf-16le");
  EXPECT_EQ(DecodeToUtf8(be, "text/html; charset=tis-620").utf8, "Aส");
  EXPECT_EQ(DecodeToUtf8(be, "").encoding, "utf-16be");
}

TEST(CharsetTest, InvalidUtf8BecomesReplacementCharacter) {
  const DecodedText text = DecodeToUtf8(
      "ok\xC0\xAF"
      "x\xED\xA0\x80",
      "text/html; charset=utf-8");
  EXPECT_EQ(text.encoding, "utf-8");
  EXPECT_TRUE(text.inconsistent);
  EXPECT_EQ(text.utf8.find("ok\xEF\xBF\xBD"), 0u) << text.utf8;
  EXPECT_NE(text.utf8.find("x\xEF\xBF\xBD"), std::string::npos);
}

TEST(CharsetTest, DeclaredUtf8ButWindows874BytesIsInconsistent) {
  const DecodedText text =
      DecodeToUtf8("<p>" + kSawasdeeTis + "</p>", "text/html; charset=utf-8");
  EXPECT_EQ(text.encoding, "windows-874");
  EXPECT_TRUE(text.inconsistent);
  EXPECT_EQ(text.utf8, "<p>" + kSawasdee + "</p>");
}

TEST(CharsetTest, DeclaredTis620ButUtf8BytesIsInconsistent) {
  const DecodedText text =
      DecodeToUtf8("<p>" + kSawasdee, "text/html; charset=tis-620");
  EXPECT_EQ(text.encoding, "utf-8");
  EXPECT_TRUE(text.inconsistent);
  EXPECT_EQ(text.utf8, "<p>" + kSawasdee);
}

TEST(CharsetTest, Tis620LabelledLatin1IsDecodedAsThai) {
  const DecodedText text = DecodeToUtf8(kSawasdeeTis + " " + kSawasdeeTis,
                                        "text/html; charset=iso-8859-1");
  EXPECT_EQ(text.encoding, "windows-874");
  EXPECT_TRUE(text.inconsistent);
  EXPECT_EQ(text.utf8, kSawasdee + " " + kSawasdee);
}

TEST(CharsetTest, RealLatin1StaysLatin1) {
  const DecodedText text = DecodeToUtf8(
      "caf\xE9 cr\xE8me br\xFBl\xE9"
      "e",
      "text/html; charset=iso-8859-1");
  EXPECT_EQ(text.encoding, "windows-1252");
  EXPECT_EQ(text.utf8, "café crème brûlée");
}

TEST(CharsetTest, UndeclaredUtf8IsSniffed) {
  const DecodedText text = DecodeToUtf8("<p>" + kSawasdee, "text/html");
  EXPECT_EQ(text.source, "sniff");
  EXPECT_EQ(text.utf8, "<p>" + kSawasdee);
}

TEST(CharsetTest, UndeclaredNonUtf8DefaultsToWindows874) {
  const DecodedText text = DecodeToUtf8(kSawasdeeTis, "");
  EXPECT_EQ(text.source, "default");
  EXPECT_EQ(text.encoding, "windows-874");
  EXPECT_EQ(text.utf8, kSawasdee);
}

TEST(CharsetTest, UnknownLabelFallsBackToSniffing) {
  const DecodedText text =
      DecodeToUtf8(kSawasdee, "text/html; charset=klingon");
  EXPECT_EQ(text.source, "sniff");
  EXPECT_EQ(text.utf8, kSawasdee);
}

TEST(CharsetTest, UndefinedWindows874BytesBecomeReplacement) {
  const DecodedText text = DecodeToUtf8(
      "a\xDB"
      "b",
      "text/html; charset=windows-874");
  EXPECT_EQ(text.utf8,
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_TRUE(text.inconsistent);
}

TEST(CharsetTest, EmptyBody) {
  const DecodedText text = DecodeToUtf8("", "");
  EXPECT_EQ(text.utf8, "");
  EXPECT_EQ(text.encoding, "utf-8");
}

}  // namespace
}  // namespace oitwatch

namespace oitwatch {
namespace {

// What iconv itself gives for `body`, one byte at a time, U+FFFD for a byte
// it refuses (the reference for the table-driven single-byte decoders).
std::string IconvBytewise(const std::string& body, const char* name) {
  iconv_t cd = iconv_open("UTF-8", name);
  EXPECT_NE(cd, reinterpret_cast<iconv_t>(-1)) << name;
  std::string out;
  for (char c : body) {
    char* in = &c;
    char buffer[8];
    char* o = buffer;
    size_t in_left = 1, out_left = sizeof(buffer);
    if (iconv(cd, &in, &in_left, &o, &out_left) == static_cast<size_t>(-1)) {
      out += "\xEF\xBF\xBD";
    } else {
      out.append(buffer, sizeof(buffer) - out_left);
    }
  }
  iconv_close(cd);
  return out;
}

// Reference for declared UTF-8: decode each code point in full and check
// its range (no overlongs, surrogates or > U+10FFFF); each bad byte gives
// one U+FFFD. Written apart from the decoder's byte-class checks.
std::string SanitizeReference(const std::string& in) {
  std::string out;
  for (size_t i = 0; i < in.size();) {
    const unsigned char c = static_cast<unsigned char>(in[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3
                          : (c >> 3) == 0x1E ? 4 : 0;
    uint32_t cp = n == 1 ? c : n == 2 ? c & 0x1F : n == 3 ? c & 0x0F : c & 0x07;
    bool ok = n != 0 && i + n <= in.size();
    for (size_t k = 1; ok && k < n; ++k) {
      const unsigned char t = static_cast<unsigned char>(in[i + k]);
      ok = (t & 0xC0) == 0x80;
      cp = (cp << 6) | (t & 0x3F);
    }
    static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    ok = ok && cp >= kMin[n] && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
    if (ok) {
      out.append(in, i, n);
      i += n;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

TEST(CharsetTest, DeclaredUtf8KeepsValidRunsAndReplacesEachBadByte) {
  std::mt19937 rng(2568);
  const std::string pieces[] = {"ส", "วัสดี", "ปี ๒๕๖๘", "<a href=x>", "é", "😀",
                                "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80",
                                "\xE0\xB8", "\xFF", "\x80", "abc", "\xF0\x9F\x98"};
  int with_errors = 0;
  for (int n = 0; n < 20000; ++n) {
    std::string body;
    const int count = static_cast<int>(rng() % 12);
    for (int k = 0; k < count; ++k) body += pieces[rng() % std::size(pieces)];
    const DecodedText text = DecodeToUtf8(body, "text/html; charset=utf-8");
    if (text.encoding != "utf-8") continue;  // read as windows-874 instead
    const std::string want = SanitizeReference(body);
    ASSERT_EQ(text.utf8, want) << body;
    EXPECT_EQ(text.inconsistent, want != body) << body;
    with_errors += want != body;
  }
  EXPECT_GT(with_errors, 5000);
}

TEST(CharsetTest, SingleByteDecodersGiveWhatIconvGives) {
  const struct {
    const char* label;
    const char* iconv_name;
  } kCases[] = {{"tis-620", "WINDOWS-874"},
                {"windows-1251", "WINDOWS-1251"},
                {"iso-8859-1", "WINDOWS-1252"}};
  std::string every_byte = "<p>";
  for (int b = 1; b < 256; ++b) every_byte.push_back(static_cast<char>(b));
  every_byte += std::string("\0x", 2);
  for (const auto& c : kCases) {
    const DecodedText text = DecodeToUtf8(
        every_byte, std::string("text/html; charset=") + c.label);
    EXPECT_EQ(text.utf8, IconvBytewise(every_byte, c.iconv_name)) << c.label;
  }
}

// Random bodies long enough for the decoders' eight-bytes-at-a-time paths,
// with every kind of byte at every offset: ASCII runs of any length (NUL
// included), Thai, other UTF-8, bad UTF-8, windows-874's 0x80-0x9F.
std::string RandomBody(std::mt19937& rng, bool with_bad_utf8) {
  static const std::string kGood[] = {
      "ส", "วัสดี", "ปี ๒๕๖๘", "<a href=x>", "é", "😀", "abc", std::string(1, '\0'),
      "\xEF\xBB\xBF", "\xE2\x80\x93", "\xE0\xB9\x9B"};
  static const std::string kBad[] = {
      "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xE0\xB8", "\xFF",
      "\x80", "\x9F", "\xF0\x9F\x98", "\xCA\xC7\xD1", "\xDB", "\xE0\xB8\x41"};
  std::string body;
  const int count = static_cast<int>(rng() % 40);
  for (int k = 0; k < count; ++k) {
    const unsigned pick = rng() % 4;
    if (pick == 0) {
      body += std::string(rng() % 24, static_cast<char>('a' + rng() % 26));
    } else if (pick == 1 && with_bad_utf8) {
      body += kBad[rng() % std::size(kBad)];
    } else {
      body += kGood[rng() % std::size(kGood)];
    }
  }
  return body;
}

bool AnyHighByte(const std::string& body) {
  for (char c : body) {
    if (static_cast<unsigned char>(c) >= 0x80) return true;
  }
  return false;
}

TEST(CharsetTest, LongUtf8BodiesMatchTheReference) {
  std::mt19937 rng(874);
  int with_errors = 0, declared = 0;
  for (int n = 0; n < 20000; ++n) {
    const std::string body = RandomBody(rng, n % 4 != 0);
    const std::string want = SanitizeReference(body);
    const DecodedText text = DecodeToUtf8(body, "text/html; charset=utf-8");
    if (text.encoding == "utf-8" && text.source == "header") {
      ASSERT_EQ(text.utf8, want) << body;
      EXPECT_EQ(text.inconsistent, want != body) << body;
      ++declared;
      with_errors += want != body;
    }
    const DecodedText bom = DecodeToUtf8("\xEF\xBB\xBF" + body, "");
    ASSERT_EQ(bom.utf8, want) << body;
    EXPECT_EQ(bom.inconsistent, want != body) << body;
  }
  EXPECT_GT(declared, 15000);
  EXPECT_GT(with_errors, 5000);
}

TEST(CharsetTest, LongUndeclaredBodiesAreSniffedByteExactly) {
  std::mt19937 rng(2567);
  int sniffed = 0, defaulted = 0;
  for (int n = 0; n < 20000; ++n) {
    const std::string body = RandomBody(rng, n % 2 == 0);
    if (body.rfind("\xEF\xBB\xBF", 0) == 0) continue;  // a BOM decides
    const DecodedText text = DecodeToUtf8(body, "");
    if (SanitizeReference(body) == body) {
      ASSERT_EQ(text.source, "sniff") << body;
      ASSERT_EQ(text.utf8, body);
      ++sniffed;
    } else {
      ASSERT_EQ(text.source, "default") << body;
      ASSERT_EQ(text.utf8, IconvBytewise(body, "WINDOWS-874")) << body;
      ++defaulted;
    }
  }
  EXPECT_GT(sniffed, 5000);
  EXPECT_GT(defaulted, 5000);
}

TEST(CharsetTest, LongWindows874BodiesGiveWhatIconvGives) {
  std::mt19937 rng(2568);
  int decoded = 0, refused = 0;
  for (int n = 0; n < 20000; ++n) {
    std::string body = RandomBody(rng, true);
    for (int k = static_cast<int>(rng() % 8); k > 0; --k) {
      body.insert(rng() % (body.size() + 1), 1, static_cast<char>(rng() % 256));
    }
    if (body.rfind("\xEF\xBB\xBF", 0) == 0) continue;  // a BOM decides
    const DecodedText text = DecodeToUtf8(body, "text/html; charset=tis-620");
    if (SanitizeReference(body) == body && AnyHighByte(body)) {
      ASSERT_EQ(text.encoding, "utf-8") << body;  // UTF-8 under a TIS label
      continue;
    }
    ASSERT_EQ(text.encoding, "windows-874") << body;
    const std::string want = IconvBytewise(body, "WINDOWS-874");
    ASSERT_EQ(text.utf8, want) << body;
    const bool replaced = want.find("\xEF\xBF\xBD") != want.npos;
    EXPECT_EQ(text.inconsistent, replaced) << body;
    ++decoded;
    refused += replaced;
  }
  EXPECT_GT(decoded, 15000);
  EXPECT_GT(refused, 3000);
}

}  // namespace
}  // namespace oitwatch
