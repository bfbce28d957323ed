// URL scope gaps found by red team rt7budget (crawler side), unit level:
//  - P09: an escaped unreserved character ("/ita/%69ndex.html", "%7E") is
//    the character itself (RFC 3986 6.2.2.2), so both spellings are one URL
//    for the seen-set, the trap budget and the scope; reserved escapes
//    ("%2F", "%3F") keep their meaning and stay escaped.
//  - P18: an ITA index on the site's host outside its prefix opens a
//    bounded scope (crawler/index_scope.h).
// The whole runs (the real binary, loopback servers, a second night on an
// older database) are in url_respell_run_test.cc and index_scope_run_test.cc.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "crawler/crawl.h"
#include "crawler/frontier.h"
#include "crawler/index_scope.h"
#include "crawler/url.h"

namespace oitwatch {
namespace {

TEST(UrlEscapesTest, EscapedUnreservedCharactersAreDecoded) {
  const struct {
    const char* in;
    const char* want;
  } kCases[] = {
      {"http://h/ita/%69ndex.html", "http://h/ita/index.html"},
      {"http://h/%7Ejoe/%7ejoe", "http://h/~joe/~joe"},
      {"http://h/%41%5a%61%7A%30%39", "http://h/AZaz09"},
      {"http://h/a%2Db%2ec%5Fd", "http://h/a-b.c_d"},
      {"http://h/x?q=%41&r=%7e", "http://h/x?q=A&r=~"},
      // Reserved characters and others mean something else unescaped:
      // kept escaped, in upper-case hex.
      {"http://h/a%2fb%3Fc%23d", "http://h/a%2Fb%3Fc%23d"},
      {"http://h/x?a=%26&b=%3d", "http://h/x?a=%26&b=%3D"},
      {"http://h/%20%25%40%5B%e0%b8%81", "http://h/%20%25%40%5B%E0%B8%81"},
      // One decoding only: "%2541" is "%41" as text, not "A".
      {"http://h/%2541", "http://h/%2541"},
      {"http://h/100%", "http://h/100%"},  // no escape: left alone
  };
  for (const auto& c : kCases) {
    EXPECT_EQ(NormalizeUrl(c.in).value_or("(none)"), c.want) << c.in;
    EXPECT_EQ(url_reference::NormalizeUrl(c.in).value_or("(none)"),
              NormalizeUrl(c.in).value_or("(none)"))
        << "fast and libcurl paths differ on " << c.in;
    const std::string once = NormalizeUrl(c.in).value_or("");
    EXPECT_EQ(NormalizeUrl(once).value_or("(none)"), once) << "idempotent";
    EXPECT_FALSE(HasEscapedUnreserved(once)) << once;
  }
  EXPECT_EQ(ResolveUrl("http://h/d/", "%69ta").value_or(""), "http://h/d/ita");
  EXPECT_EQ(ResolveUrl("http://h/d/", "/d/%7Eu/%70lan.%70df").value_or(""),
            "http://h/d/~u/plan.pdf");
  EXPECT_EQ(PathOf("http://h/%7Ejoe/%2F?q=%61"), "/~joe/%2F?q=a");
}

TEST(UrlEscapesTest, OldSpellingsAreRecognised) {
  EXPECT_TRUE(HasEscapedUnreserved("http://h/ita/%69ndex.html"));
  EXPECT_TRUE(HasEscapedUnreserved("http://h/%7ejoe"));
  EXPECT_FALSE(HasEscapedUnreserved("http://h/%E0%B8%81%20%2F"));
  EXPECT_FALSE(HasEscapedUnreserved("http://h/100%"));
  EXPECT_FALSE(HasEscapedUnreserved("http://h/a%2"));
}

// The scope, the document test and the seen-set see one URL.
TEST(UrlEscapesTest, OneResourceIsOneUrlEverywhere) {
  const std::string prefix = ScopePrefix("http://h/%7Edistrict/");
  EXPECT_EQ(prefix, "http://h/~district/");
  EXPECT_TRUE(InScope(prefix, *NormalizeUrl("http://h/%7edistrict/ita")));
  EXPECT_TRUE(LooksLikeDocument(*NormalizeUrl("http://h/d/plan.%70df")));
  Frontier frontier{FrontierLimits{}};
  Request a, b;
  a.site_id = b.site_id = "d";
  a.url = *ResolveUrl("http://h/d/", "/d/ita/%69ndex.html");
  b.url = *ResolveUrl("http://h/d/", "/d/ita/index.html");
  EXPECT_TRUE(frontier.Add(a));
  EXPECT_FALSE(frontier.Add(b)) << "the same page queued twice";
}

TEST(IndexScopeTest, ScopeIsWhatLiesBelowTheIndex) {
  const std::vector<std::string> sites = {"http://h/laksi/",
                                          "http://h/bangrak/"};
  const struct {
    const char* index;
    const char* prefix;
    bool below;
  } kCases[] = {
      {"http://h/ita/laksi/", "http://h/ita/laksi/", true},
      {"http://h/ita/laksi", "http://h/ita/laksi/", true},
      {"http://h/ita/laksi/index.html", "http://h/ita/laksi/", true},
      {"http://h/ita/laksi.html", "http://h/ita/laksi.html/", true},
      // A query names one page of a script; the host root, or a folder
      // holding a site, is no scope to crawl.
      {"http://h/main/index.php?page=ita", "http://h/main/index.php?page=ita",
       false},
      {"http://h/index.html", "http://h/index.html", false},
      {"http://h/", "http://h/", false},
  };
  for (const auto& c : kCases) {
    const IndexScope scope = IndexScopeOf(c.index, sites);
    EXPECT_EQ(scope.prefix, c.prefix) << c.index;
    EXPECT_EQ(scope.below, c.below) << c.index;
  }
  const IndexScope folder = IndexScopeOf("http://h/ita/laksi", sites);
  EXPECT_TRUE(folder.Contains("http://h/ita/laksi"));
  EXPECT_TRUE(folder.Contains("http://h/ita/laksi/o1.html"));
  EXPECT_TRUE(folder.Contains("https://h/ita/laksi/o1.html"));
  EXPECT_FALSE(folder.Contains("http://h/ita/bangrak/"));
  EXPECT_FALSE(folder.Contains("http://h/ita/laksi2/"));
  const IndexScope one = IndexScopeOf("http://h/x.php?p=ita", sites);
  EXPECT_TRUE(one.Contains("http://h/x.php?p=ita"));
  EXPECT_FALSE(one.Contains("http://h/x.php?p=news"));
  EXPECT_FALSE(IndexScopeOf("http://h/", sites).Contains("http://h/laksi/"));
}

class IndexScopesTest : public ::testing::Test {
 protected:
  using Admission = IndexScopes::Admission;
  IndexScopes scopes_{"laksi", "http://h/laksi/",
                      {{"laksi", "http://h/laksi/"},
                       {"bangrak", "http://h/bangrak/page/"}}};
  const std::string home_ = "http://h/laksi/";

  Admission Admit(const std::string& from, const std::string& url,
                  bool index) {
    IndexScope opened;
    return scopes_.Admit(from, url, index, &opened);
  }
};

TEST_F(IndexScopesTest, AnIndexLinkFromTheSiteOpensItsScope) {
  IndexScope opened;
  EXPECT_EQ(scopes_.Admit(home_, "http://h/ita/laksi/", true, &opened),
            Admission::kFollow);
  EXPECT_EQ(opened.prefix, "http://h/ita/laksi/");
  EXPECT_TRUE(scopes_.Contains("http://h/ita/laksi/o18.html"));
  // Not named an index: an off-prefix page as before.
  EXPECT_EQ(Admit(home_, "http://h/ita/other/", false), Admission::kNone);
  EXPECT_EQ(Admit(home_, "http://h/news/", false), Admission::kNone);
}

TEST_F(IndexScopesTest, PagesBelowAnIndexAreFollowedWithinTheHops) {
  ASSERT_EQ(Admit(home_, "http://h/ita/laksi/", true), Admission::kFollow);
  const std::string h1 = "http://h/ita/laksi/1", h2 = "http://h/ita/laksi/2",
                    h3 = "http://h/ita/laksi/3";
  EXPECT_EQ(Admit("http://h/ita/laksi/", h1, false), Admission::kFollow);
  EXPECT_EQ(Admit(h1, h2, false), Admission::kFollow);
  EXPECT_EQ(IndexScopes::kMaxHops, 2);
  EXPECT_EQ(Admit(h2, h3, false), Admission::kBeyond) << "3 hops under it";
  // Siblings outside the scope are not the index's.
  EXPECT_EQ(Admit(h1, "http://h/ita/bangna/", false), Admission::kNone);
  // One index does not lead to the next: only the site's pages open one.
  EXPECT_EQ(Admit(h1, "http://h/oit/laksi/", true), Admission::kNone);
  // A page of the scope the site links itself is one hop under the index.
  EXPECT_EQ(Admit("http://h/laksi/news", h3, false), Admission::kFollow);
}

TEST_F(IndexScopesTest, NeverAnotherSitesPage) {
  EXPECT_EQ(Admit(home_, "http://h/bangrak/page/ita", true), Admission::kNone);
  EXPECT_EQ(Admit(home_, "http://h/bangrak/ita", true), Admission::kNone)
      << "under bangrak's first path segment";
  EXPECT_EQ(Admit(home_, "http://h/ita/bangrak/", true), Admission::kNone)
      << "named after another site";
  EXPECT_EQ(Admit(home_, "http://h/ita.php?d=BANGRAK", true),
            Admission::kNone);
  EXPECT_TRUE(scopes_.scopes().empty());
}

TEST_F(IndexScopesTest, AtMostThreeIndexesPerSite) {
  for (size_t i = 0; i < IndexScopes::kMaxScopes; ++i) {
    EXPECT_EQ(Admit(home_, "http://h/ita" + std::to_string(i) + "/laksi/",
                    true),
              Admission::kFollow);
  }
  EXPECT_EQ(Admit(home_, "http://h/ita9/laksi/", true), Admission::kBeyond);
  EXPECT_EQ(scopes_.scopes().size(), IndexScopes::kMaxScopes);
}

TEST_F(IndexScopesTest, AnIndexAtTheHostRootOpensItselfOnly) {
  ASSERT_EQ(Admit(home_, "http://h/", true), Admission::kFollow);
  EXPECT_TRUE(scopes_.Contains("http://h/"));
  EXPECT_FALSE(scopes_.Contains("http://h/anything"));
  EXPECT_EQ(Admit("http://h/", "http://h/anything", false), Admission::kNone);
}

}  // namespace
}  // namespace oitwatch
