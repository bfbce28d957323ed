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
      "<base href=/b/>",
      // Text for the stand-ins: runs with spaces around and inside them,
      // references, NUL, CR, what the tokenizer or tree builder treat apart.
      "  visible text of a page  ",
      "ประกาศผลการจัดซื้อจัดจ้าง ประจำเดือน",
      "\t\f text\twith\ftabs ",
      "&amp;",
      "&ampersand and more text",
      "&#3588;&#x0E04;text after refs",
      "&#xF0000;",
      "&#983041",
      "\xF3\xB0\x80\x80",
      "\xF3\xBF\xBF\xBD",
      std::string("nul\0 inside text", 17),
      "text\r\nwith CRLF",
      "a --> b -- c ]]> d",
      "<pre>",
      "\nafter a newline",
      "<listing>",
      "<colgroup>",
      "<caption>",
      "<input type=hidden>",
      "</body>",
      "<frame>",
      "<b>",
      "</b>",
      "<div>",
      "</div>"};
  std::string html;
  const int pieces = 1 + (*rng)() % 30;
  for (int i = 0; i < pieces; ++i) html += kPieces[(*rng)() % kPieces.size()];
  return html;
}

Document Parse(const std::string& html, bool drop, bool stand_in = false) {
  DocumentLimits limits;
  limits.drop_script_and_style_text = drop;
  limits.stand_in_text = stand_in;
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

// The stand-ins: what Gumbo parses, and the text read back.
std::string Skimmed(std::string_view html) {
  const SkimmedHtml skim(html, {});
  return std::string(skim.html());
}
const std::string kStandIn0 = "\xF3\xB0\x80\x80";
const std::string kStandIn1 = "\xF3\xB0\x80\x81";

TEST(RawTextTest, RunsOfTextAreStoodInForKeepingTheSpacesAround) {
  EXPECT_EQ(Skimmed("<p>  hello world \n</p>ประกาศ<br>"),
            "<p>  " + kStandIn0 + " \n</p>" + kStandIn1 + "<br>");
  const SkimmedHtml skim("<p>  hello world \n</p>", {});
  std::string scratch;
  EXPECT_EQ(skim.Restore("x" + kStandIn0 + "y", &scratch), "xhello worldy");
  EXPECT_EQ(skim.Restore("no stand-in", &scratch), "no stand-in");
  // An index beyond the runs is not a stand-in of this page.
  EXPECT_EQ(skim.Restore(kStandIn1, &scratch), kStandIn1);
}

TEST(RawTextTest, ShortRunsReferencesNulAndCrAreLeftToTheTokenizer) {
  EXPECT_EQ(Skimmed("<p>short</p>"), "<p>short</p>");
  // A reference and what it may consume stay; so do NUL and CR.
  EXPECT_EQ(Skimmed("<p>AT&amp;Tcompany and more</p>"),
            "<p>AT&amp;Tcompany " + kStandIn0 + "</p>");
  EXPECT_EQ(Skimmed(std::string("<p>text before\0text after</p>", 29)),
            "<p>" + kStandIn0 + std::string("\0", 1) + kStandIn1 + "</p>");
}

TEST(RawTextTest, NoStandInsInRawTextCommentsTagsOrAfterASwitch) {
  const std::string kept =
      "<title>a title of a page</title><!-- a comment of a page -->"
      "<textarea>text in a textarea</textarea><a title='an attribute value'>"
      "<select><option>an option of a select";
  EXPECT_EQ(Skimmed(kept), kept);
}

TEST(RawTextTest, APageHoldingTheStandInCharactersGetsNone) {
  for (const std::string& page : std::vector<std::string>{
           "<p>long enough text</p>" + kStandIn0, "<p>long enough text &#xF0000;",
        "<p>long enough text &#983040</p>", "<title>&#xfffff;</title><p>long enough text"}) {
    EXPECT_FALSE(SkimmedHtml(page, {.drop_script_and_style_text = false}).changed())
        << page;
  }
  // Just outside the range: stand-ins as usual.
  EXPECT_TRUE(SkimmedHtml("<p>long enough text &#xEFFFF;&#x100000;",
                          {.drop_script_and_style_text = false})
                  .changed());
}

// Tree building treats a leading space (head, table, pre) and text in a
// table (foster parenting) apart: the same Document with stand-ins.
TEST(RawTextTest, StandInsBuildTheSameTreeWhereTextIsSpecial) {
  for (const std::string& html : std::vector<std::string>{
           "<html> \n leading text in the head<head> <title>t</title></head>",
        "<table> text fostered out of the table <tr><td>a cell of text</td>"
        "</tr> more fostered text </table>",
        "<pre>\nthe first newline of a pre goes</pre>",
        "<table><colgroup> text in a column group</colgroup></table>",
        "</body> text after the body </html>   text after the html",
        "<a href=/x>link text one<a href=/y>link text two</a>",
        "<p><b>bold and <i>italic text</b> misnested text</i> after</p>",
        "<ul><li>the first item <a href=/f.pdf>its file link</a><li>two"}) {
    EXPECT_EQ(Describe(Parse(html, true, true)), Describe(Parse(html, true)))
        << html;
    EXPECT_TRUE(SkimmedHtml(html, {}).changed()) << html;
  }
}

TEST(RawTextTest, ParsingWithStandInsGivesTheSameDocument) {
  std::mt19937 rng(7);
  int changed = 0;
  for (int i = 0; i < 6000; ++i) {
    const std::string html = TagSoup(&rng);
    if (SkimmedHtml(html, {.drop_script_and_style_text = false}).stand_ins() ==
        0) {
      continue;
    }
    ++changed;
    ASSERT_EQ(Describe(Parse(html, true, true)), Describe(Parse(html, true)))
        << "input: " << html;
  }
  EXPECT_GT(changed, 1000);  // the soup does exercise the stand-ins
}

}  // namespace
}  // namespace oitwatch
