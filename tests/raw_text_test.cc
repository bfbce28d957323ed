#include "rules/raw_text.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "rules/document.h"

namespace oitwatch {
namespace {

// DropScriptAndStyleText's result, or "(nothing dropped)".
std::string Dropped(const std::string& html) {
  std::string out;
  if (!DropScriptAndStyleText(html, &out)) {
    EXPECT_EQ(out, "") << "out touched although nothing was dropped";
    return "(nothing dropped)";
  }
  return out;
}

TEST(RawTextTest, DropsTheTextOfStyleAndScriptKeepingTheirTags) {
  EXPECT_EQ(Dropped("<head><style>p{color:red}</style></head><p>x"),
            "<head><style></style></head><p>x");
  EXPECT_EQ(Dropped("<SCRIPT src=\"a.js\" data-x='>'>var a='<p>';</Script>y"),
            "<SCRIPT src=\"a.js\" data-x='>'></Script>y");
}

TEST(RawTextTest, NothingToDropLeavesTheOutputAlone) {
  EXPECT_EQ(Dropped("<p>no scripts</p><style></style>"), "(nothing dropped)");
}

TEST(RawTextTest, OnlyAnEndTagWithItsFullNameEndsTheText) {
  EXPECT_EQ(Dropped("<style>a</styles>b</style\n>c"), "<style></style\n>c");
  EXPECT_EQ(Dropped("<script>a</script"), "<script>");  // runs to the end
  EXPECT_EQ(Dropped("<p>x<style>a"), "<p>x<style>");
}

TEST(RawTextTest, TagsInCommentsTitlesAndTextareasAreText) {
  EXPECT_EQ(Dropped("<!--<style>-->x<title><style>t</title>"
                    "<textarea><script>s</textarea><xmp><style>x</xmp>"),
            "(nothing dropped)");
  // A bogus comment ends at the first '>', here the one of "<style>".
  EXPECT_EQ(Dropped("<?php <style>a</style>"), "(nothing dropped)");
  EXPECT_EQ(Dropped("<?php ?><style>a</style>"), "<?php ?><style></style>");
}

TEST(RawTextTest, CommentsEndWhereTheTokenizerEndsThem) {
  // "->" does not end a comment; "--!>" and the abrupt "<!-->" do.
  EXPECT_EQ(Dropped("<!--a-><style>b</style>-->c"), "(nothing dropped)");
  EXPECT_EQ(Dropped("<!--a--!><style>b</style>"), "<!--a--!><style></style>");
  EXPECT_EQ(Dropped("<!--><style>b</style>"), "<!--><style></style>");
}

TEST(RawTextTest, AQuoteOpensAValueOnlyAfterAnEqualsSign) {
  EXPECT_EQ(Dropped("<p =\">\"><style>b</style>"), "<p =\">\"><style></style>");
  // The quoted ">" is a value; "<style" is then an attribute name.
  EXPECT_EQ(Dropped("<p a=\">\"<style>b</style>\">"), "(nothing dropped)");
}

TEST(RawTextTest, AScriptWithACommentOpenerStopsTheDropping) {
  EXPECT_EQ(Dropped("<script><!--x</script><style>y</style>"),
            "(nothing dropped)");
}

TEST(RawTextTest, NothingIsDroppedFromTheFirstSvgMathSelectOrFrameset) {
  EXPECT_EQ(Dropped("<style>a</style><svg><style>b</style></svg>"),
            "<style></style><svg><style>b</style></svg>");
  EXPECT_EQ(Dropped("<select><style>a<b>c</b></style></select>"),
            "(nothing dropped)");
  EXPECT_EQ(Dropped("<MATH><style>a</style>"), "(nothing dropped)");
  EXPECT_EQ(Dropped("<frameset><style>a</style>"), "(nothing dropped)");
  // In raw text, comments and attribute values they are no tags.
  EXPECT_EQ(Dropped("<title><svg></title><!--<math>--><p title='<select>'>"
                    "<style>a <svg> b</style>"),
            "<title><svg></title><!--<math>--><p title='<select>'>"
            "<style></style>");
}

// ParseHtml with and without the dropping must give the same Document for
// any input; tag soup from pieces that exercise the tokenizer's states.
std::string TagSoup(std::mt19937* rng) {
  static const std::vector<std::string> kPieces = {
      "<style>",
      "</style>",
      "<STYLE type=x>",
      "</style ",
      "</stylex>",
      "<style/>",
      "<style a='>'>",
      "<style =\">\">",
      "<script>",
      "</script>",
      "</SCRIPT>",
      "<script src=x>",
      "<!--",
      "-->",
      "--!>",
      "<!-->",
      "-",
      "!",
      ">",
      "<",
      "/",
      "'",
      "\"",
      "=",
      "<title>",
      "</title>",
      "<textarea>",
      "</textarea>",
      "<xmp>",
      "</xmp>",
      "<iframe src=http://a/f>",
      "</iframe>",
      "<noembed>",
      "</noembed>",
      "<noframes>",
      "</noframes>",
      "<noscript>",
      "</noscript>",
      "<svg>",
      "</svg>",
      "<math>",
      "<select>",
      "</select>",
      "<frameset>",
      "<plaintext>",
      "<template>",
      "</template>",
      "<table>",
      "</table>",
      "<tr>",
      "<td>",
      "<li>",
      "<p>",
      "</p>",
      "<h1>",
      "</h1>",
      "<a href=/x>",
      "<a href='/y'>",
      "</a>",
      "<head>",
      "<body>",
      "</html>",
      "<!DOCTYPE html>",
      "<?x>",
      "<!x>",
      "</ x>",
      "</>",
      "<![CDATA[",
      "]]>",
      "text",
      "ข้อความ",
      " ",
      "\n",
      "\r",
      "&lt;",
      "<option>",
      "<a b",
      " c=",
      "<meta http-equiv=refresh content='0;url=/m'>",
      "<base href=/b/>"};
  std::string html;
  const int pieces = 1 + (*rng)() % 30;
  for (int i = 0; i < pieces; ++i) html += kPieces[(*rng)() % kPieces.size()];
  return html;
}

Document Parse(const std::string& html, bool drop) {
  DocumentLimits limits;
  limits.drop_script_and_style_text = drop;
  Document doc;
  std::string err;
  EXPECT_TRUE(ParseHtml(html, "http://127.0.0.1/p/", limits, &doc, &err));
  return doc;
}

std::string Describe(const Document& d) {
  std::string s = "title=" + d.title + "\nheadings=" + d.headings +
                  "\ntext=" + d.text + "\nrefresh=" + d.meta_refresh +
                  "\ntruncated=" + (d.truncated ? "1" : "0") + "\n";
  for (const Link& l : d.links) {
    s += "link " + l.url + " | " + l.text + " | " + l.context + "\n";
  }
  return s;
}

TEST(RawTextTest, ParsingWithTheTextDroppedGivesTheSameDocument) {
  std::mt19937 rng(5);
  int dropped = 0;
  for (int i = 0; i < 4000; ++i) {
    const std::string html = TagSoup(&rng);
    std::string out;
    if (!DropScriptAndStyleText(html, &out)) continue;
    ++dropped;
    ASSERT_EQ(Describe(Parse(html, true)), Describe(Parse(html, false)))
        << "input: " << html;
  }
  EXPECT_GT(dropped, 400);  // the soup does exercise the dropping
}

}  // namespace
}  // namespace oitwatch
