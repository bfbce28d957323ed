// ParseHtml's caps on hostile input (DocumentLimits): what each one cuts is
// said in Document::cut, links that only repeat do not count toward the link
// cap, and the caps that Gumbo's quadratic or explosive spots need (many
// attributes on one tag, formatting elements cloned again and again, very
// many tags) bound the work done while keeping what the walk reads. The
// inputs that took minutes or gigabytes before end here under ctest's
// TIMEOUT; the assertions are on what was kept and cut, not on time.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "rules/document.h"
#include "rules/raw_text.h"

namespace oitwatch {
namespace {

constexpr char kBase[] = "http://127.0.0.1:8080/d/index.html";

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

std::string A(const std::string& href) {
  return "<a href='" + href + "'>x</a>";
}

TEST(DocumentCapsTest, RepeatsOfALinkOrOfThePageDoNotCountTowardTheCap) {
  DocumentLimits limits;
  limits.max_links = 3;
  std::string html;
  for (int i = 0; i < 10; ++i) {
    html += A("/menu") + A("index.html") + A("#top") + A("index.html#s");
  }
  html += A("/a") + A("/b") + A("/c");
  const Document doc = Parse(html, limits);
  EXPECT_EQ(doc.cut.links, 1u);
  EXPECT_TRUE(doc.cut.LosesContent());
  EXPECT_TRUE(doc.truncated);
  const std::string urls = Urls(doc);
  EXPECT_NE(urls.find("http://127.0.0.1:8080/a\n"), std::string::npos) << urls;
  EXPECT_NE(urls.find("http://127.0.0.1:8080/b\n"), std::string::npos);
  EXPECT_EQ(urls.find("/c\n"), std::string::npos) << "the 4th distinct URL";
  // Fragments alone are no links; the page's own URL is kept (as a repeat).
  EXPECT_EQ(doc.links.size(), 10u * 3 + 2);
}

TEST(DocumentCapsTest, RepeatsHaveTheirOwnCap) {
  DocumentLimits limits;
  limits.max_repeated_links = 5;
  std::string html;
  for (int i = 0; i < 10; ++i) html += A("/menu");
  html += A("/last");
  const Document doc = Parse(html, limits);
  EXPECT_EQ(doc.links.size(), 1u + 5 + 1);
  EXPECT_EQ(doc.cut.links, 4u);
  EXPECT_EQ(doc.links.back().url, "http://127.0.0.1:8080/last");
}

TEST(DocumentCapsTest, EachCutIsSaid) {
  DocumentLimits limits;
  limits.max_links = 3;
  std::string html;
  for (int i = 0; i < 10; ++i) html += A("/l" + std::to_string(i));
  EXPECT_EQ(Parse(html, limits).cut.links, 7u);

  limits = DocumentLimits();
  limits.max_input_bytes = 20;
  Document doc = Parse("<p>first</p><p>second part</p>", limits);
  EXPECT_EQ(doc.cut.input_bytes, 10u);
  EXPECT_TRUE(doc.cut.LosesContent());

  limits = DocumentLimits();
  limits.max_text_bytes = 10;
  doc = Parse("<p>สำนักงานเขต</p>", limits);
  EXPECT_TRUE(doc.cut.text);
  EXPECT_TRUE(doc.cut.LosesContent());

  doc = Parse("<p>" + std::string(600, 'x') + "</p>" + A("/a"));
  EXPECT_FALSE(doc.truncated);
  EXPECT_FALSE(doc.cut.LosesContent());
}

TEST(DocumentCapsTest, NestingCutLosesNothingWeRead) {
  std::string html;
  for (int i = 0; i < 1000; ++i) html += "<div>";
  html += "deep" + A("/deep");
  const Document doc = Parse(html);
  EXPECT_EQ(doc.cut.tags, 1000u - 512);
  EXPECT_TRUE(doc.truncated);
  EXPECT_FALSE(doc.cut.LosesContent());
  EXPECT_EQ(Urls(doc), "http://127.0.0.1:8080/deep\n");
}

// rt7parse finding 2: past the nesting cap a script, style, template,
// noscript or title goes whole (start tag, content, end tag); its content
// was read as visible text and links once its start tag alone was removed.
TEST(DocumentCapsTest, PastTheNestingCapHiddenElementsGoWhole) {
  std::string html = "<html><head><title>หน้าจริง</title></head><body>";
  for (int i = 0; i < 600; ++i) html += "<div>";
  html +=
      "<script>var d = 'SCRIPTDATE 1 เมษายน 2568';</script>"
      "<style>.x{content:'STYLEDATE'}</style>"
      "<template><a href='/hidden-link'>TEMPLATETEXT</a></template>"
      "<noscript>NOSCRIPTTEXT</noscript>"
      "<title>SECONDTITLE</title>"
      "<p>ข้อความจริง <a href='/real'>ลิงก์จริง</a></p></body></html>";
  const Document doc = Parse(html);
  EXPECT_GT(doc.cut.tags, 0u);
  for (const char* hidden : {"SCRIPTDATE", "STYLEDATE", "TEMPLATETEXT",
                             "NOSCRIPTTEXT", "SECONDTITLE"}) {
    EXPECT_EQ(doc.text.find(hidden), std::string::npos) << hidden;
  }
  EXPECT_EQ(Urls(doc).find("hidden-link"), std::string::npos) << Urls(doc);
  EXPECT_NE(doc.text.find("ข้อความจริง"), std::string::npos) << doc.text;
  EXPECT_NE(Urls(doc).find("/real"), std::string::npos) << Urls(doc);
  EXPECT_EQ(doc.title, "หน้าจริง");
}

// rt7parse finding 1: what a browser does not show is not page text: the
// fallbacks of <iframe>, <noembed> and <noframes>, a second <title> in the
// body, an SVG tooltip. The page's own title is still its title.
TEST(DocumentCapsTest, FallbacksAndOtherTitlesAreNotPageText) {
  const Document doc = Parse(
      "<html><head><title>ข่าวประชาสัมพันธ์</title></head><body>"
      "<p>ข่าว 1 มีนาคม 2566</p>"
      "<iframe src='/w'>IFRAMEDATE 1 เมษายน 2568</iframe>"
      "<noembed>NOEMBEDDATE</noembed><noframes>NOFRAMESDATE</noframes>"
      "<title>BODYTITLE 2568</title>"
      "<svg><title>SVGTIP</title><circle r='1'/></svg>"
      "<p>จบ</p></body></html>");
  for (const char* hidden : {"IFRAMEDATE", "NOEMBEDDATE", "NOFRAMESDATE",
                             "BODYTITLE", "SVGTIP"}) {
    EXPECT_EQ(doc.text.find(hidden), std::string::npos) << hidden;
  }
  EXPECT_EQ(doc.title, "ข่าวประชาสัมพันธ์");
  EXPECT_NE(doc.text.find("ข่าว 1 มีนาคม 2566"), std::string::npos) << doc.text;
  EXPECT_NE(doc.text.find("จบ"), std::string::npos) << doc.text;
}

TEST(DocumentCapsTest, AnInputOfTheFetchersSizeIsNotCut) {
  // FetcherOptions::max_page_bytes is 10 MiB (of any charset; TIS-620
  // triples as UTF-8).
  EXPECT_GE(DocumentLimits().max_input_bytes, 30u << 20);
  const Document doc =
      Parse("<!--" + std::string(9u << 20, 'x') + "-->" + A("/ita"));
  EXPECT_EQ(Urls(doc), "http://127.0.0.1:8080/ita\n");
  EXPECT_EQ(doc.cut.input_bytes, 0u);
}

TEST(DocumentCapsTest, ATagWithHundredsOfThousandsOfAttributes) {
  // rt7parse: 300,000 attributes on one tag ran for minutes (Gumbo checks
  // each against all earlier ones). The href after them is kept.
  std::string html = "<p>before</p><a";
  for (int i = 0; i < 300000; ++i) html += " a" + std::to_string(i);
  html += " href='/after' title='t'>link</a><p>after</p>";
  const Document doc = Parse(html);
  EXPECT_EQ(doc.cut.attributes, 300000u - 128);
  EXPECT_FALSE(doc.cut.LosesContent());
  ASSERT_EQ(doc.links.size(), 1u);
  EXPECT_EQ(doc.links[0].url, "http://127.0.0.1:8080/after");
  EXPECT_EQ(doc.links[0].text, "link");
  EXPECT_EQ(doc.text, "before\nlink\nafter");
}

TEST(DocumentCapsTest, OneAttributeRepeatedMillionsOfTimes) {
  std::string html = "<div";
  for (int i = 0; i < 2000000; ++i) html += " a";
  html += ">x</div>" + A("/z");
  const Document doc = Parse(html);
  EXPECT_EQ(doc.cut.attributes, 2000000u - 128);
  EXPECT_EQ(Urls(doc), "http://127.0.0.1:8080/z\n");
}

TEST(DocumentCapsTest, AttributesOfAPageAreCapped) {
  // 10 MiB of tags of 100 attributes each: Gumbo kept ~250 bytes each.
  std::string tag = "<b";
  for (int i = 0; i < 100; ++i) tag += " a" + std::to_string(i);
  tag += ">x</b>";
  std::string html;
  while (html.size() < (10u << 20)) html += tag;
  const Document doc = Parse(html);
  EXPECT_GT(doc.cut.input_bytes, 5u << 20);
  EXPECT_EQ(doc.cut.attributes, 0u);
  EXPECT_EQ(doc.text.size(),
            DocumentLimits().max_page_attributes / 100);  // one x per tag
}

TEST(DocumentCapsTest, FormattingElementsAreNotClonedWithoutEnd) {
  // 600 <b> left open in paragraphs, then <p>x</p> again and again: Gumbo
  // clones every open <b> at each x (1 MiB of it made 19 GiB of clones).
  std::string html;
  for (int i = 0; i < 600; ++i) {
    html += "<p><b id=" + std::to_string(i) + ">x</p>";
  }
  for (int i = 0; i < 500000; ++i) html += "<p>x</p>";
  html += A("/end");
  const Document doc = Parse(html);
  EXPECT_EQ(doc.cut.tags, 600u - 8);  // max_open_formatting
  EXPECT_GT(doc.cut.input_bytes, 0u) << "max_clones";
  EXPECT_TRUE(doc.cut.LosesContent());
}

TEST(DocumentCapsTest, VeryManyTagsAreCut) {
  std::string html = "<ul>";
  for (int i = 0; i < 400000; ++i) html += "<li>x";
  html += A("/end");
  const Document doc = Parse(html);
  EXPECT_GT(doc.cut.input_bytes, 0u);
  EXPECT_EQ(doc.links.size(), 0u) << "the link past the cut is not read";
  EXPECT_LE(doc.text.size(), 2 * DocumentLimits().max_elements);
}

TEST(DocumentCapsTest, UnclosedFontsInTableCellsAreNotCut) {
  // Old pages open a <font> in every cell and never close it: no clones
  // (the cell's end clears them), and nothing of the page is cut.
  std::string html = "<table>";
  for (int i = 0; i < 20000; ++i) {
    html += "<tr><td><font face=Tahoma>cell</td><td><b>x</td></tr>";
  }
  const Document doc = Parse(html + "</table>" + A("/end"));
  EXPECT_FALSE(doc.cut.LosesContent());
  EXPECT_EQ(Urls(doc), "http://127.0.0.1:8080/end\n");
  EXPECT_EQ(doc.text.size(), 20000u * std::string("cell x\n").size() - 1 + 2);
}

// Random tags with more attributes than the cap, in every form the
// tokenizer reads (quoted with '>' inside, unquoted, bare, '/' between,
// none after a quote, a name starting with '='), and the attributes the
// walk reads among them, repeated: the Document is the same with the cap
// and without it.
std::string AttributeSoup(std::mt19937* rng) {
  static const std::vector<std::string> kTags = {
      "<a", "<area", "<img", "<meta", "<base", "<div", "<A"};
  static const std::vector<std::string> kRead = {
      "href", "title", "alt", "src", "http-equiv", "content", "HREF", "Title"};
  static const std::vector<std::string> kValues = {
      "/p1",     "/p2 q",     "> <",    "'", "x\"y",
      "refresh", "0; url=/r", "ข้อความ", "",  "/a/b"};
  const auto pick = [rng](const std::vector<std::string>& v) {
    return v[(*rng)() % v.size()];
  };
  std::string html = "<map>";
  const int tags = 1 + (*rng)() % 3;
  for (int t = 0; t < tags; ++t) {
    html += pick(kTags);
    const int n = 120 + (*rng)() % 40;
    bool quoted = false;
    for (int i = 0; i < n; ++i) {
      const int sep = (*rng)() % 6;
      html += sep == 0 && quoted ? "" : sep == 1 ? "/" : sep == 2 ? "\n" : " ";
      std::string name = (*rng)() % 8 == 0    ? pick(kRead)
                         : (*rng)() % 30 == 0 ? "=x"
                                              : "d" + std::to_string(i);
      const int form = (*rng)() % 4;
      const std::string value = pick(kValues);
      quoted = form >= 2;
      if (form == 0) {
        html += name;
      } else if (form == 1) {
        std::string v;
        for (char c : value) {
          if (c != ' ' && c != '>' && c != '\n') v += c;
        }
        html += name + "=" + (v.empty() ? "v" : v);
      } else if (form == 2) {
        html += name + "=\"" +
                (value.find('"') == std::string::npos ? value : "v") + "\"";
      } else {
        html += name + "='" +
                (value.find('\'') == std::string::npos ? value : "v") + "'";
      }
    }
    html += (*rng)() % 5 == 0 ? "/>" : ">";
    html += "text " + std::to_string(t) + "</a>";
  }
  return html + "</map>";
}

std::string Describe(const Document& d) {
  std::string s = "title=" + d.title + "\ntext=" + d.text +
                  "\nrefresh=" + d.meta_refresh + "\n";
  for (const Link& l : d.links) {
    s += "link " + l.url + " | " + l.text + " | " + l.context + "\n";
  }
  return s;
}

TEST(DocumentCapsTest, CappedAttributesGiveTheSameDocument) {
  std::mt19937 rng(11);
  DocumentLimits uncapped;
  uncapped.max_attributes = 1u << 30;
  int capped = 0;
  for (int i = 0; i < 1500; ++i) {
    const std::string html = AttributeSoup(&rng);
    const Document doc = Parse(html);
    capped += doc.cut.attributes > 0;
    ASSERT_EQ(Describe(doc), Describe(Parse(html, uncapped)))
        << "input: " << html;
  }
  EXPECT_GT(capped, 500);  // the soup does exercise the cap
}

TEST(DocumentCapsTest, CapAttributesLeavesScriptEndsAlone) {
  // What looks like a tag in a script's text never swallows its end tag.
  std::string script = "<script>if (i<n";
  for (int i = 0; i < 300; ++i) script += " v" + std::to_string(i);
  script += "</script><a href='/s'>s</a>";
  std::string out;
  size_t dropped = 0;
  ASSERT_TRUE(CapAttributes(script, 128, &out, &dropped));
  EXPECT_EQ(dropped, 300u - 128);
  EXPECT_NE(out.find("</script><a href='/s'>s</a>"), std::string::npos) << out;
  EXPECT_EQ(Urls(Parse(script)), "http://127.0.0.1:8080/s\n");
  EXPECT_FALSE(CapAttributes("<a href=x title=y>z</a>", 128, &out, &dropped));
}

}  // namespace
}  // namespace oitwatch
