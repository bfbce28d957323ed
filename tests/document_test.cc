#include "rules/document.h"

#include <gtest/gtest.h>

#include <string>

#include "crawler/url.h"

namespace oitwatch {
namespace {

constexpr char kBase[] = "http://127.0.0.1:8080/laksi/page/index.html";

Document Parse(const std::string& html, DocumentLimits limits = {}) {
  Document doc;
  std::string err;
  EXPECT_TRUE(ParseHtml(html, kBase, limits, &doc, &err)) << err;
  return doc;
}

std::string Urls(const Document& doc) {
  std::string out;
  for (const Link& l : doc.links) out += l.url + "\n";
  return out;
}

TEST(DocumentTest, TitleHeadingsAndVisibleText) {
  const Document doc = Parse(
      "<html><head><title> แผนปฏิบัติราชการ\n 2568 </title></head><body>"
      "<h1>สำนักงานเขต<b>หลักสี่</b></h1><p>ข้อความ  หนึ่ง</p>"
      "<h2>O5 แผน</h2></body></html>");
  EXPECT_EQ(doc.title, "แผนปฏิบัติราชการ 2568");
  EXPECT_EQ(doc.headings, "สำนักงานเขตหลักสี่\nO5 แผน\n");
  EXPECT_EQ(doc.text, "สำนักงานเขตหลักสี่\nข้อความ หนึ่ง\nO5 แผน");
  EXPECT_FALSE(doc.truncated);
}

TEST(DocumentTest, VisibleTextSkipsScriptStyleNoscriptTemplate) {
  const Document doc = Parse(
      "<head><style>p{color:red}</style><script>var a='<p>x</p>';</script>"
      "</head><body>one<script>hidden()</script><noscript>enable js</noscript>"
      "<template><p>tpl</p></template> two<!-- comment --></body>");
  EXPECT_EQ(doc.text, "one two");
}

TEST(DocumentTest, BlockElementsMakeLinesInlineElementsDoNot) {
  const Document doc = Parse(
      "<div>a<span>b</span><i>c</i></div><ul><li>one</li><li>two</li></ul>"
      "x<br>y");
  EXPECT_EQ(doc.text, "abc\none\ntwo\nx\ny");
}

TEST(DocumentTest, TableRowsAreLinesAndCellsAreSpaced) {
  const Document doc = Parse(
      "<table><tr><th>รายการ</th><th>ปี</th></tr>"
      "<tr><td>สรุปผลการจัดซื้อจัดจ้าง</td><td>2568</td></tr></table>");
  EXPECT_EQ(doc.text, "รายการ ปี\nสรุปผลการจัดซื้อจัดจ้าง 2568");
}

TEST(DocumentTest, EntitiesAreDecoded) {
  const Document doc =
      Parse("<p>A&amp;B&nbsp;&nbsp;C &#3649;&#3612;&#3609;</p>");
  EXPECT_EQ(doc.text, "A&B C แผน");
}

TEST(DocumentTest, ThaiAnchorTextsAndRelativeLinks) {
  const Document doc = Parse(
      "<a href='/laksi/page/sub/123/แผนปฏิบัติราชการ'>แผนปฏิบัติราชการ "
      "ประจำปี ๒๕๖๘</a> <a href=\"../files/O05.pdf\">  ดาวน์โหลด\n  (PDF) </a>");
  ASSERT_EQ(doc.links.size(), 2u);
  EXPECT_EQ(doc.links[0].url,
            *ResolveUrl(kBase, "/laksi/page/sub/123/แผนปฏิบัติราชการ"));
  EXPECT_EQ(doc.links[0].text, "แผนปฏิบัติราชการ ประจำปี ๒๕๖๘");
  EXPECT_EQ(doc.links[1].url, "http://127.0.0.1:8080/laksi/files/O05.pdf");
  EXPECT_EQ(doc.links[1].text, "ดาวน์โหลด (PDF)");
}

TEST(DocumentTest, AnchorTextFallsBackToImageAltThenTitle) {
  const Document doc = Parse(
      "<a href='/a'><img src='x.png' alt='ITA 2568'></a>"
      "<a href='/b' title='ร้องเรียนการทุจริต'><img src='y.png'></a>"
      "<a href='/c'>text <img alt='ignored'></a>");
  ASSERT_EQ(doc.links.size(), 3u);
  EXPECT_EQ(doc.links[0].text, "ITA 2568");
  EXPECT_EQ(doc.links[1].text, "ร้องเรียนการทุจริต");
  EXPECT_EQ(doc.links[2].text, "text");
}

TEST(DocumentTest, NavMenuLinksComeInDocumentOrder) {
  const Document doc = Parse(
      "<nav><ul><li><a href='/laksi/coverpages'>หน้าหลัก</a></li>"
      "<li><a href='#'>ข้อมูลหน่วยงาน</a><ul class='sub'>"
      "<li><a href='/laksi/page/sub/1/structure'>โครงสร้าง</a></li>"
      "<li><a href='/laksi/page/sub/2/ita'>ITA</a></li></ul></li>"
      "<li><a "
      "href='https://www.facebook.com/laksi'>Facebook</a></li></ul></nav>");
  EXPECT_EQ(Urls(doc),
            "http://127.0.0.1:8080/laksi/coverpages\n"
            "http://127.0.0.1:8080/laksi/page/sub/1/structure\n"
            "http://127.0.0.1:8080/laksi/page/sub/2/ita\n"
            "https://www.facebook.com/laksi\n");
  EXPECT_EQ(doc.links[1].text, "โครงสร้าง");
}

TEST(DocumentTest, DropsNonHttpAndFragmentLinks) {
  const Document doc = Parse(
      "<a href='javascript:void(0)'>j</a><a href=' JavaScript:x'>j</a>"
      "<a href='mailto:saraban@bangkok.go.th'>m</a><a "
      "href='tel:022211234'>t</a>"
      "<a href='data:text/html,hi'>d</a><a href='ftp://h/f'>f</a>"
      "<a href='#top'>top</a><a href=''>empty</a><a>no href</a>"
      "<a href='/ok'>ok</a>");
  EXPECT_EQ(Urls(doc), "http://127.0.0.1:8080/ok\n");
}

TEST(DocumentTest, HrefWhitespaceAndNewlinesAreStripped) {
  const Document doc = Parse("<a href='\n  /laksi/\tpage/x.pdf \n'>x</a>");
  EXPECT_EQ(Urls(doc), "http://127.0.0.1:8080/laksi/page/x.pdf\n");
}

TEST(DocumentTest, BaseHrefIsHonoured) {
  const Document doc = Parse(
      "<head><base href='http://127.0.0.1:8080/other/'></head>"
      "<body><a href='doc.pdf'>d</a><meta http-equiv='Refresh' "
      "content='0; url=next.html'></body>");
  EXPECT_EQ(Urls(doc), "http://127.0.0.1:8080/other/doc.pdf\n");
  EXPECT_EQ(doc.meta_refresh, "http://127.0.0.1:8080/other/next.html");
}

TEST(DocumentTest, AreaIframeAndFrameLinks) {
  const Document doc = Parse(
      "<map><area href='/map/1' alt='แผนที่เขต'></map>"
      "<iframe src='https://anyflip.com/abc' title='Flipbook'></iframe>"
      "<frameset><frame src='/f'></frameset>");
  ASSERT_GE(doc.links.size(), 2u);
  EXPECT_EQ(doc.links[0].url, "http://127.0.0.1:8080/map/1");
  EXPECT_EQ(doc.links[0].text, "แผนที่เขต");
  EXPECT_EQ(doc.links[1].url, "https://anyflip.com/abc");
  EXPECT_EQ(doc.links[1].text, "Flipbook");
}

TEST(DocumentTest, FramesetPageYieldsFrameLinks) {
  const Document doc = Parse(
      "<html><frameset cols='20%,80%'><frame src='menu.html'>"
      "<frame src='main.html'></frameset></html>");
  EXPECT_EQ(Urls(doc),
            "http://127.0.0.1:8080/laksi/page/menu.html\n"
            "http://127.0.0.1:8080/laksi/page/main.html\n");
}

TEST(DocumentTest, MetaRefreshForms) {
  struct Case {
    const char* content;
    const char* want;
  } cases[] = {
      {"5; url=/laksi/coverpages", "http://127.0.0.1:8080/laksi/coverpages"},
      {"0;URL='http://example.go.th/x'", "http://example.go.th/x"},
      {"0; url = \"next.html\"", "http://127.0.0.1:8080/laksi/page/next.html"},
      {"3, /home", "http://127.0.0.1:8080/home"},
      {"30", ""},
      {"0; url=javascript:alert(1)", ""},
  };
  for (const Case& c : cases) {
    const char quote =
        std::string(c.content).find('"') == std::string::npos ? '"' : '\'';
    const Document doc =
        Parse(std::string("<meta http-equiv='refresh' content=") + quote +
              c.content + quote + ">");
    EXPECT_EQ(doc.meta_refresh, c.want) << c.content;
  }
}

TEST(DocumentTest, MalformedHtmlStillYieldsTextAndLinks) {
  const Document doc = Parse(
      "<html><body><div><p>ประกาศ<b>สำคัญ<p>ย่อหน้า<a href=/x>ลิงก์<div>"
      "<table><td>cell</table></i></u></span><<>> & < tail"
      "<a href='/y>an unclosed quote swallows the rest</a>");
  EXPECT_NE(doc.text.find("ประกาศสำคัญ"), std::string::npos) << doc.text;
  EXPECT_NE(doc.text.find("cell"), std::string::npos) << doc.text;
  ASSERT_FALSE(doc.links.empty());
  EXPECT_EQ(doc.links[0].url, "http://127.0.0.1:8080/x");
}

TEST(DocumentTest, EmptyAndBinaryInputParse) {
  EXPECT_EQ(Parse("").text, "");
  const Document doc = Parse(std::string("\0\x01\xFF<p>ok</p>\xFE", 12));
  EXPECT_NE(doc.text.find("ok"), std::string::npos);
}

TEST(DocumentTest, DeepNestingIsCappedWithoutCrash) {
  std::string html;
  for (int i = 0; i < 100000; ++i) html += "<div>";
  html += "ลึกมาก<a href='/deep'>deep link</a>";
  for (int i = 0; i < 100000; ++i) html += "</div>";
  html += "<p>after</p>";
  const Document doc = Parse(html);
  EXPECT_TRUE(doc.truncated);
  EXPECT_NE(doc.text.find("ลึกมาก"), std::string::npos);
  EXPECT_NE(doc.text.find("after"), std::string::npos);
  EXPECT_EQ(Urls(doc), "http://127.0.0.1:8080/deep\n");
}

TEST(DocumentTest, DeepUnclosedInlineTagsAreCapped) {
  std::string html;
  for (int i = 0; i < 50000; ++i) html += "<span><b>x";
  const Document doc = Parse(html);
  EXPECT_TRUE(doc.truncated);
  EXPECT_EQ(doc.text.size(), 50000u);
}

TEST(DocumentTest, NestingUnderTheCapIsUntouched) {
  std::string html;
  for (int i = 0; i < 300; ++i) html += "<div>";
  html += "x";
  for (int i = 0; i < 300; ++i) html += "</div>";
  // Many <p>/<li>/<td>: their end tags are implied, so they do not count.
  for (int i = 0; i < 5000; ++i) html += "<p>p<li>l";
  EXPECT_FALSE(Parse(html).truncated);
}

TEST(DocumentTest, TheCapStartsJustPastMaxDepth) {
  DocumentLimits limits;
  limits.max_depth = 10;
  std::string ten, eleven;
  for (int i = 0; i < 10; ++i) ten += "<div>";
  eleven = ten + "<div>";
  EXPECT_FALSE(Parse(ten + "x", limits).truncated);
  EXPECT_TRUE(Parse(eleven + "x", limits).truncated);
}

TEST(DocumentTest, TagsInsideScriptAndCommentsDoNotCount) {
  DocumentLimits limits;
  limits.max_depth = 10;
  std::string html = "<script>";
  for (int i = 0; i < 100; ++i) html += "<div>";
  html += "</script><!--";
  for (int i = 0; i < 100; ++i) html += "<div>";
  html += "--><div><div>kept</div></div>";
  const Document doc = Parse(html, limits);
  EXPECT_FALSE(doc.truncated);
  EXPECT_EQ(doc.text, "kept");
}

TEST(DocumentTest, TwentyThousandStrayEndTags) {
  std::string html = "<p>before</p>";
  for (int i = 0; i < 20000; ++i) html += "</div></td></a>";
  html += "<p>after <a href='/z'>z</a></p>";
  const Document doc = Parse(html);
  EXPECT_EQ(doc.text, "before\nafter z");
  EXPECT_EQ(Urls(doc), "http://127.0.0.1:8080/z\n");
}

TEST(DocumentTest, LinkLimitKeepsFirstLinks) {
  DocumentLimits limits;
  limits.max_links = 3;
  std::string html;
  for (int i = 0; i < 10; ++i)
    html += "<a href='/l" + std::to_string(i) + "'>x</a>";
  const Document doc = Parse(html, limits);
  EXPECT_TRUE(doc.truncated);
  EXPECT_EQ(Urls(doc),
            "http://127.0.0.1:8080/l0\nhttp://127.0.0.1:8080/l1\n"
            "http://127.0.0.1:8080/l2\n");
}

TEST(DocumentTest, TextLimitCutsOnACharacterBoundary) {
  DocumentLimits limits;
  limits.max_text_bytes = 10;
  const Document doc = Parse("<p>สำนักงานเขต</p>", limits);
  EXPECT_TRUE(doc.truncated);
  EXPECT_EQ(doc.text, "สำน");
}

TEST(DocumentTest, InputLimitCutsBeforeParsing) {
  DocumentLimits limits;
  limits.max_input_bytes = 20;
  const Document doc = Parse("<p>first</p><p>second part</p>", limits);
  EXPECT_TRUE(doc.truncated);
  EXPECT_EQ(doc.text, "first\nsecon");
}

TEST(DocumentTest, OverlongHrefsAreDropped) {
  DocumentLimits limits;
  limits.max_url_bytes = 64;
  const Document doc = Parse(
      "<a href='/" + std::string(100, 'a') + "'>long</a><a href='/short'>s</a>",
      limits);
  EXPECT_EQ(Urls(doc), "http://127.0.0.1:8080/short\n");
}

}  // namespace
}  // namespace oitwatch

namespace oitwatch {
namespace {

Document ParseForContext(const std::string& html) {
  Document doc;
  std::string err;
  EXPECT_TRUE(ParseHtml(html, "http://h/laksi/ita", DocumentLimits(), &doc, &err)) << err;
  return doc;
}

TEST(DocumentContextTest, TableRowSaysWhatABareDownloadLinkIs) {
  Document doc = ParseForContext(
      "<table><tr><td>O5</td><td>แผนปฏิบัติราชการประจำปี พ.ศ. 2568</td>"
      "<td><a href=\"/f/plan.pdf\">ดาวน์โหลด</a></td></tr>"
      "<tr><td>O6</td><td>คู่มือการปฏิบัติงาน</td><td><a href=\"/f/m.pdf\">"
      "<img alt=\"\" src=\"pdf.png\"></a></td></tr></table>");
  ASSERT_EQ(doc.links.size(), 2u);
  EXPECT_EQ(doc.links[0].text, "ดาวน์โหลด");
  EXPECT_EQ(doc.links[0].context, "O5 แผนปฏิบัติราชการประจำปี พ.ศ. 2568 ดาวน์โหลด");
  EXPECT_NE(doc.links[1].context.find("คู่มือการปฏิบัติงาน"), std::string::npos)
      << "each row gives its own link its own context";
  EXPECT_EQ(doc.links[1].context.find("แผน"), std::string::npos);
}

TEST(DocumentContextTest, ListItemContextAndNoContextOutsideContainers) {
  Document doc = ParseForContext(
      "<ul><li>รายงานผลการปฏิบัติราชการ 2567 <a href=\"/r.pdf\">คลิกที่นี่</a>"
      "</li></ul><p>ข่าว <a href=\"/n\">อ่านต่อ</a></p>");
  ASSERT_EQ(doc.links.size(), 2u);
  EXPECT_EQ(doc.links[0].context, "รายงานผลการปฏิบัติราชการ 2567 คลิกที่นี่");
  EXPECT_EQ(doc.links[1].context, "") << "a paragraph is not a container";
}

TEST(DocumentContextTest, ARowWithManyLinksGivesNoContext) {
  std::string row = "<table><tr><td>เมนู</td>";
  for (int i = 0; i < 6; ++i) {
    row += "<td><a href=\"/m" + std::to_string(i) + "\">ลิงก์</a></td>";
  }
  Document doc = ParseForContext(row + "</tr></table>");
  ASSERT_EQ(doc.links.size(), 6u);
  for (const Link& link : doc.links) EXPECT_EQ(link.context, "") << link.url;
}

}  // namespace
}  // namespace oitwatch
