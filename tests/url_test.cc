#include "crawler/url.h"

#include <gtest/gtest.h>

namespace oitwatch {
namespace {

constexpr char kThai[] = "%E0%B8%81%E0%B8%82";  // "กข" percent-encoded

TEST(UrlTest, ResolveTable) {
  const struct {
    const char* base;
    const char* href;
    const char* want;
  } kCases[] = {
      {"http://h/laksi/a", "b", "http://h/laksi/b"},
      {"http://h/laksi/a/", "../b", "http://h/laksi/b"},
      {"http://h/laksi/", "./x/./y/../z", "http://h/laksi/x/z"},
      {"http://h/laksi/", "/pipd/", "http://h/pipd/"},
      {"http://h/a", "//Other.GO.TH/x", "http://other.go.th/x"},
      {"http://H:80/a", "b#frag", "http://h/b"},
      {"https://h:443/a", "?q=1", "https://h/a?q=1"},
      {"http://h:8080/a", "b", "http://h:8080/b"},
      {"http://h/a", "  /x  ", "http://h/x"},
      {"http://h/a", "/x\n/y", "http://h/x/y"},
      {"http://h/a", "/ก ข", "http://h/%E0%B8%81%20%E0%B8%82"},
      {"http://h/a", "/page/sub/123/%e0%b8%81%e0%b8%82",
       "http://h/page/sub/123/%E0%B8%81%E0%B8%82"},
      {"http://h/a", "/x?utm_source=fb&id=5&fbclid=abc", "http://h/x?id=5"},
      {"http://h/a", "/x?PHPSESSID=1&sid=2", "http://h/x"},
      {"http://h/a", "/x?sessionid=9&id=5&session_id=8", "http://h/x?id=5"},
      {"http://h/a", "/x?ASPSESSIONIDQQGGQGPG=AB&CFID=1&CFTOKEN=2&zenid=3",
       "http://h/x"},
      {"http://h/a", "/x?osCsid=abc&page=2", "http://h/x?page=2"},
      {"http://h/a", "/x?session=1&sessions=2", "http://h/x?session=1&sessions=2"},
      {"http://h/a", "/x;jsessionid=ABC?y=1", "http://h/x?y=1"},
      {"http://h/a", "HTTPS://H/Y", "https://h/Y"},
  };
  for (const auto& c : kCases) {
    const std::optional<std::string> got = ResolveUrl(c.base, c.href);
    ASSERT_TRUE(got.has_value()) << c.base << " + " << c.href;
    EXPECT_EQ(*got, c.want) << c.base << " + " << c.href;
  }
}

// Red-team S4: a browser reads "%2e" path segments as dots (WHATWG URL), so
// /laksi/%2e%2e/dusit/ is dusit's page; laksi must not claim it.
TEST(UrlTest, PercentEncodedDotSegmentsAreDots) {
  const struct {
    const char* base;
    const char* href;
    const char* want;
  } kCases[] = {
      {"http://h/laksi/", "/laksi/%2e%2e/dusit/page/sub/1002/x",
       "http://h/dusit/page/sub/1002/x"},
      {"http://h/laksi/", "%2E%2E/dusit/", "http://h/dusit/"},
      {"http://h/laksi/a/", ".%2e/b", "http://h/laksi/b"},
      {"http://h/laksi/a/", "%2e./b", "http://h/laksi/b"},
      {"http://h/laksi/", "%2e/x/%2E/y", "http://h/laksi/x/y"},
      {"http://h/laksi/", "http://h/laksi/%2e%2e/dusit/", "http://h/dusit/"},
      // Not whole segments, or past the path: names, kept (their escaped
      // dots decoded as any unreserved character is, RFC 3986 6.2.2.2).
      {"http://h/laksi/", "%2e%2e%2e/x", "http://h/laksi/.../x"},
      {"http://h/laksi/", "a%2e%2e/x", "http://h/laksi/a../x"},
      {"http://h/laksi/", "x?p=/%2e%2e/", "http://h/laksi/x?p=/../"},
  };
  for (const auto& c : kCases) {
    EXPECT_EQ(ResolveUrl(c.base, c.href).value_or("(none)"), c.want)
        << c.base << " + " << c.href;
  }
  EXPECT_EQ(NormalizeUrl("http://h/laksi/%2e%2e/dusit/").value_or("(none)"),
            "http://h/dusit/");
  EXPECT_EQ(PathOf("http://h/laksi/%2E%2e/dusit/x.pdf"), "/dusit/x.pdf");
}

TEST(UrlTest, PercentEncodedThaiPathIsStable) {
  const std::string url = std::string("http://h/laksi/page/sub/123/") + kThai;
  EXPECT_EQ(NormalizeUrl(url).value_or(""), url);
  EXPECT_EQ(NormalizeUrl(NormalizeUrl(url).value_or("")).value_or(""), url);
  EXPECT_EQ(ResolveUrl(url, "").value_or(""), url);
}

TEST(UrlTest, RawThaiAndEncodedThaiNormaliseAlike) {
  EXPECT_EQ(NormalizeUrl("http://h/ข่าว").value_or("a"),
            NormalizeUrl("http://h/%e0%b8%82%e0%b9%88%e0%b8%b2%e0%b8%a7")
                .value_or("b"));
}

TEST(UrlTest, RejectsNonHttpAndGarbage) {
  for (const char* href :
       {"mailto:a@b.go.th", "javascript:alert(1)", "ftp://h/x",
        "file:///etc/passwd", "data:text/html,hi", "tel:021234567"}) {
    EXPECT_FALSE(ResolveUrl("http://h/a", href).has_value()) << href;
  }
  EXPECT_FALSE(NormalizeUrl("not a url").has_value());
  EXPECT_FALSE(NormalizeUrl("http://").has_value());
}

TEST(UrlTest, RejectsOverlongResult) {
  const std::string href = "/" + std::string(3000, 'a');
  EXPECT_FALSE(ResolveUrl("http://h/", href).has_value());
  EXPECT_TRUE(ResolveUrl("http://h/", href, 4096).has_value());
}

TEST(UrlTest, HostKeyTable) {
  const struct {
    const char* url;
    const char* want;
  } kCases[] = {
      {"http://WebPortal.Bangkok.go.th/laksi/",
       "http://webportal.bangkok.go.th:80"},
      {"https://h/a", "https://h:443"},
      {"http://127.0.0.1:8080/x", "http://127.0.0.1:8080"},
      {"not a url", ""},
  };
  for (const auto& c : kCases) EXPECT_EQ(HostKey(c.url), c.want) << c.url;
}

TEST(UrlTest, PathOfIncludesQuery) {
  EXPECT_EQ(PathOf("http://h/a/b?x=1"), "/a/b?x=1");
  EXPECT_EQ(PathOf("http://h"), "/");
  EXPECT_EQ(PathOf(std::string("http://h/") + kThai), std::string("/") + kThai);
}

TEST(UrlTest, ScopePrefixTable) {
  const struct {
    const char* site;
    const char* want;
  } kCases[] = {
      {"http://h/laksi/coverpages", "http://h/laksi/"},
      {"http://h/laksi", "http://h/laksi/"},
      {"http://h/laksi/", "http://h/laksi/"},
      {"https://webportal.bangkok.go.th/bangrak/coverpages",
       "https://webportal.bangkok.go.th/bangrak/"},
      {"http://h/", "http://h/"},
      {"http://h/index.php", "http://h/"},
  };
  for (const auto& c : kCases) EXPECT_EQ(ScopePrefix(c.site), c.want) << c.site;
}

TEST(UrlTest, InScopeTable) {
  const std::string prefix = "http://h/laksi/";
  const struct {
    const char* url;
    bool want;
  } kCases[] = {
      {"http://h/laksi/page/sub/1/x", true},
      {"http://h/laksi", true},
      {"http://H:80/laksi/x", true},
      {"http://h/laksi2/x", false},
      {"http://h/bangrak/x", false},
      {"http://other/laksi/x", false},
      // http and https of one host are one site (servers upgrade to https;
      // a site listed as http:// must not lose every page after the seed).
      {"https://h/laksi/x", true},
      {"http://h:8080/laksi/x", false},
      {"https://h:8443/laksi/x", false},
      {"http://h/public/user_files_editor/1/a.pdf", false},
  };
  for (const auto& c : kCases)
    EXPECT_EQ(InScope(prefix, c.url), c.want) << c.url;
}

TEST(UrlTest, LooksLikeDocumentTable) {
  const struct {
    const char* url;
    bool want;
  } kCases[] = {
      {"http://h/public/user_files_editor/45/ITA/2568/O05.pdf", true},
      {"http://h/a/Plan.PDF?download=1", true},
      {"http://h/a.docx", true},
      {"http://h/a.xlsx", true},
      {"http://h/a.7z", true},
      {"http://h/a.html", false},
      {"http://h/laksi/page/sub/123/x", false},
      {"http://h/file.pdf/view", false},
      {"http://h/x?file=a.pdf", false},
      {"http://h/a/plan.pdf#page=2", true},
      {"http://h?x.pdf", false},
      {"http://h.pdf", false},
      {"a.pdf", false},
      {"https://h/%E0%B8%81/%E0%B9%81%E0%B8%9C%E0%B8%99.pdf", true},
  };
  for (const auto& c : kCases)
    EXPECT_EQ(LooksLikeDocument(c.url), c.want) << c.url;
}

TEST(UrlTest, LooksLikeTrapTable) {
  std::string deep = "http://h";
  for (int i = 0; i < 21; ++i) deep += "/s" + std::to_string(i);
  const struct {
    std::string url;
    bool want;
  } kCases[] = {
      {"http://h/laksi/page/sub/123/x", false},
      {"http://h/a/a/b", false},
      {"http://h/a/b/a/b/a/c", true},
      {"http://h/cal/2568/cal/2568/cal/2568", true},
      {deep, true},
      {"http://h/x?a=1&b=2&c=3", false},
      {"http://h/x?a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8&i=9", true},
  };
  for (const auto& c : kCases) EXPECT_EQ(LooksLikeTrap(c.url), c.want) << c.url;
}

}  // namespace
}  // namespace oitwatch
