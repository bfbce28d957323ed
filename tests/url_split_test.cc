// The string fast paths (url_split.h) must give exactly what libcurl's parser
// gives (url_reference::) on every input, simple or not: both are run over
// every base x reference pair of a table of awkward spellings.
#include "crawler/url_split.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "crawler/url.h"

namespace oitwatch {
namespace {

const std::vector<std::string> kBases = {
    "http://h/laksi/a",          "http://h/laksi/a/",
    "https://h:443/a/b?x=1",     "http://h:8080/dir/",
    "http://127.0.0.1:18101/p/q.html", "http://H/a",
    "http://h/a%7e/b",           "http://h/a;jsessionid=1/b",
    "http://h",                  "http://127.1/a",
    "http://0x7f.0.0.1/",        "http://user@h/a",
    "http://h/a#f",              "https://h:0443/",
    "http://h/%e0%b8%81/x",      "http://h:80/x/y/z",
    "http://h/a/b/c/d/e?q",      "http://h/./a/../b",
    "http://h./a",               "http://1.2.3.4/a",
};

const std::vector<std::string> kRefs = {
    "b", "../b", "../../../../b", "./x/./y/../z", "/pipd/", "//Other/x",
    "b#frag", "?q=1", "?", "#f", "", "  /x  ", "/x\n/y", "/\xE0\xB8\x81 x",
    "%e0%b8%81", "/x?utm_source=fb&id=5&fbclid=abc", "/x?PHPSESSID=1&sid=2",
    "a?b=c?d", "http://X.com/a", "http://x.com", "http://x.com?y",
    "https://x.com:443/a", "HTTP://x.com/a", "mailto:a@b",
    "javascript:void(0)", "ftp://x/", "a:b", "g;x=1/../y", ".", "..", "/.",
    "/..", "x/..", "x/.", "a//b", "/a/b/./../c/", "x y", "x\"y", "x<y>",
    "x\\y", "x|y", "x{y}", "x^y", "x`y", "%zz", "%", "a%2",
    "!$&'()*+,;=:@", "?a=1&&b=2&", "?&", "?utm_x=1", "/a;jsessionid=XYZ/b",
    "/a;JSESSIONID=1?x=1", "x?y#z", "...", ".../x", "a/.../b", "~u/",
    "http://h:80/a", "http://1.2.3.4/", "http://01.2.3.4/",
    "http://h:65536/", "http://h:/", "https://h./", "http://a..b/",
    "http://h/a/../../b", "http://h/%7e?%7e", "http://h/a?b#c",
    "index.php?option=com_content&view=article&id=12&Itemid=7",
    "/files/2568/ita/o1.pdf", "page2.html", "sub/dir/file.PDF",
    "http://127.0.0.1:18102/x", "https://h:8443/", "http://-h/",
    "http://h_h/", "?a=%41", "%2e%2e/x", "a/%2E./b", "%2e", "x/.%2E/y",
    "/laksi/%2e%2e/dusit/", "%2e%2e%2e/x", "a%2e%2e/b", "x?%2e%2e/y"};

TEST(UrlSplitTest, ResolveAgreesWithLibcurl) {
  for (const std::string& base : kBases) {
    for (const std::string& ref : kRefs) {
      EXPECT_EQ(ResolveUrl(base, ref), url_reference::ResolveUrl(base, ref))
          << "base=" << base << " ref=" << ref;
    }
  }
}

TEST(UrlSplitTest, NormalizeHostKeyPathAgreeWithLibcurl) {
  std::vector<std::string> urls = kBases;
  for (const std::string& ref : kRefs) {
    urls.push_back(ref);
    urls.push_back("http://h/" + ref);
    urls.push_back("https://h:8443" + ref);
    if (auto r = url_reference::ResolveUrl("http://h/a/b", ref)) {
      urls.push_back(*r);
    }
  }
  for (const std::string& url : urls) {
    EXPECT_EQ(NormalizeUrl(url), url_reference::NormalizeUrl(url)) << url;
    EXPECT_EQ(HostKey(url), url_reference::HostKey(url)) << url;
    EXPECT_EQ(PathOf(url), url_reference::PathOf(url)) << url;
  }
}

// A resolved URL is already normal: normalising it again changes nothing
// (ParseHtml's links are used as they come).
TEST(UrlSplitTest, ResolvedUrlsAreNormal) {
  for (const std::string& base : kBases) {
    for (const std::string& ref : kRefs) {
      if (std::optional<std::string> url = ResolveUrl(base, ref)) {
        EXPECT_EQ(NormalizeUrl(*url), url) << "base=" << base << " ref=" << ref;
      }
    }
  }
}

TEST(UrlSplitTest, MaxLengthAgrees) {
  const std::string base = "http://h/" + std::string(40, 'a') + "/";
  for (size_t max : {10u, 49u, 50u, 51u, 60u}) {
    for (const char* ref : {"b", "/x/y", "?q=1", "http://h/zz"}) {
      EXPECT_EQ(ResolveUrl(base, ref, max),
                url_reference::ResolveUrl(base, ref, max))
          << ref << " max=" << max;
    }
  }
}

// The fast path really runs for the links real pages are made of (if it
// silently never did, the crawl would be as slow as before).
TEST(UrlSplitTest, CommonLinksTakeTheFastPath) {
  const char* base = "http://127.0.0.1:18101/laksi/news/item.php?id=3";
  for (const char* ref :
       {"page2.html", "/laksi/ita/", "../files/o1.pdf", "?id=4",
        "index.php?option=com_content&id=12", "https://h/a?x=1#top",
        "/files/%E0%B8%81.pdf"}) {
    EXPECT_TRUE(FastResolveUrl(base, ref, 2048).has_value()) << ref;
  }
  EXPECT_TRUE(SplitSimpleUrl("http://h:8080/a?b").has_value());
  EXPECT_TRUE(FastNormalizeUrl("https://www.bangkok.go.th/laksi/", 2048));
}

TEST(UrlSplitTest, AwkwardInputsTakeTheSlowPath) {
  for (const char* url :
       {"HTTP://h/", "http://H/", "http://h/a b", "http://user@h/",
        "http://127.1/", "http://h/a/../b", "http://h/#f", "http://h",
        "http://h:080/", "ftp://h/", "http://h/\xE0\xB8\x81"}) {
    EXPECT_FALSE(SplitSimpleUrl(url).has_value()) << url;
  }
}

TEST(UrlSplitTest, RemoveDotSegmentsFollowsRfc3986Examples) {
  EXPECT_EQ(RemoveDotSegments("/a/b/c/./../../g"), "/a/g");
  EXPECT_EQ(RemoveDotSegments("/../x"), "/x");
  EXPECT_EQ(RemoveDotSegments("/a/.."), "/");
  EXPECT_EQ(RemoveDotSegments("/a/./"), "/a/");
  EXPECT_EQ(RemoveDotSegments("/a/b/.."), "/a/");
  EXPECT_EQ(RemoveDotSegments("/a/...b"), "/a/...b");
}

TEST(UrlSplitTest, DecodeDotSegmentsTurnsEncodedDotSegmentsIntoDots) {
  EXPECT_EQ(DecodeDotSegments("/laksi/%2e%2e/dusit/"), "/laksi/../dusit/");
  EXPECT_EQ(DecodeDotSegments("http://h/a/%2E/.%2e/%2e./b"),
            "http://h/a/./../../b");
  EXPECT_EQ(DecodeDotSegments("%2e%2e"), "..");
  EXPECT_EQ(DecodeDotSegments("/a%2e/%2e%2e%2e/%2f/"), "/a%2e/%2e%2e%2e/%2f/");
  EXPECT_EQ(DecodeDotSegments("/x?a=/%2e%2e/#/%2e/"), "/x?a=/%2e%2e/#/%2e/");
  EXPECT_EQ(DecodeDotSegments("/x#/%2e%2e/"), "/x#/%2e%2e/");
}

}  // namespace
}  // namespace oitwatch
