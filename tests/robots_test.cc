// Tests named after RFC 9309 clauses, like google/robotstxt's.
#include "crawler/robots.h"

#include <gtest/gtest.h>

namespace oitwatch {
namespace {

bool Allowed(const std::string& body, const std::string& path,
             const std::string& agent = "oitwatch") {
  return RobotsTxt::Parse(body, agent).Allowed(path);
}

// RFC 9309 2.2.1: groups start with one or more user-agent lines.
TEST(RobotsTxtTest, ID_MultipleUserAgentLinesShareOneGroup) {
  const std::string body =
      "user-agent: other\nuser-agent: oitwatch\ndisallow: /private\n"
      "user-agent: *\ndisallow: /\n";
  EXPECT_FALSE(Allowed(body, "/private/x"));
  EXPECT_TRUE(Allowed(body, "/public"));
}

// RFC 9309 2.2.1: matching of the product token is case-insensitive.
TEST(RobotsTxtTest, ID_UserAgentCaseInsensitive) {
  const std::string body = "User-Agent: OITWatch/1.0\nDisallow: /x\n";
  EXPECT_FALSE(Allowed(body, "/x"));
}

// RFC 9309 2.2.1: with no matching group, obey the '*' group.
TEST(RobotsTxtTest, ID_StarGroupIsTheFallback) {
  const std::string body =
      "user-agent: googlebot\ndisallow: /\n\nuser-agent: *\ndisallow: /tmp\n";
  EXPECT_FALSE(Allowed(body, "/tmp/a"));
  EXPECT_TRUE(Allowed(body, "/"));
}

// RFC 9309 2.2.1: a specific group replaces '*' entirely, even when empty.
TEST(RobotsTxtTest, ID_SpecificGroupOverridesStar) {
  const std::string body =
      "user-agent: *\ndisallow: /\n\nuser-agent: oitwatch\nallow: /\n";
  EXPECT_TRUE(Allowed(body, "/anything"));
  EXPECT_FALSE(Allowed(body, "/anything", "otherbot"));
}

// RFC 9309 2.2.1: several groups for the same agent are combined.
TEST(RobotsTxtTest, ID_GroupsForSameAgentAreMerged) {
  const std::string body =
      "user-agent: oitwatch\ndisallow: /a\n\nuser-agent: x\ndisallow: /\n\n"
      "user-agent: oitwatch\ndisallow: /b\n";
  EXPECT_FALSE(Allowed(body, "/a"));
  EXPECT_FALSE(Allowed(body, "/b"));
  EXPECT_TRUE(Allowed(body, "/c"));
}

// RFC 9309 2.2.2: the most specific (longest) match wins.
TEST(RobotsTxtTest, ID_LongestMatchWins) {
  const std::string body =
      "user-agent: *\ndisallow: /laksi/\nallow: /laksi/page/\n";
  EXPECT_TRUE(Allowed(body, "/laksi/page/sub/1"));
  EXPECT_FALSE(Allowed(body, "/laksi/other"));
  const std::string reverse =
      "user-agent: *\nallow: /laksi/\ndisallow: /laksi/page/\n";
  EXPECT_FALSE(Allowed(reverse, "/laksi/page/sub/1"));
}

// RFC 9309 2.2.2: on equivalent rules, allow SHOULD be used.
TEST(RobotsTxtTest, ID_AllowWinsTie) {
  EXPECT_TRUE(
      Allowed("user-agent: *\ndisallow: /page\nallow: /page\n", "/page"));
  EXPECT_TRUE(
      Allowed("user-agent: *\nallow: /page\ndisallow: /page\n", "/page"));
}

// RFC 9309 2.2.3: '*' matches any sequence, '$' anchors the end.
TEST(RobotsTxtTest, ID_WildcardsStarAndDollar) {
  const std::string body =
      "user-agent: *\ndisallow: /*.pdf$\ndisallow: /x*/y\n";
  EXPECT_FALSE(Allowed(body, "/ITA/2568/O05.pdf"));
  EXPECT_TRUE(Allowed(body, "/ITA/2568/O05.pdf?download=1"));
  EXPECT_FALSE(Allowed(body, "/xabc/y/z"));
  EXPECT_TRUE(Allowed(body, "/xabc/z"));
}

// RFC 9309 2.2.2: a missing or empty disallow value matches nothing.
TEST(RobotsTxtTest, ID_EmptyDisallowAllowsAll) {
  EXPECT_TRUE(Allowed("user-agent: *\ndisallow:\n", "/anything"));
}

// RFC 9309 2.2.2: octets are compared percent-encoded; unreserved escapes
// unescaped.
TEST(RobotsTxtTest, ID_PercentEncodingNormalised) {
  const std::string body = "user-agent: *\ndisallow: /ข่าว\ndisallow: /%7ejoe\n";
  EXPECT_FALSE(Allowed(body, "/%E0%B8%82%E0%B9%88%E0%B8%B2%E0%B8%A7/1"));
  EXPECT_FALSE(Allowed(body, "/%e0%b8%82%e0%b9%88%e0%b8%b2%e0%b8%a7"));
  EXPECT_FALSE(Allowed(body, "/~joe/x"));
}

// RFC 9309 2.2.2: "The /robots.txt URI is implicitly allowed."
TEST(RobotsTxtTest, ID_RobotsTxtImplicitlyAllowed) {
  EXPECT_TRUE(Allowed("user-agent: *\ndisallow: /\n", "/robots.txt"));
}

// RFC 9309 2.2: comments, CRLF/CR line ends, whitespace, a UTF-8 BOM.
TEST(RobotsTxtTest, ID_LineSyntax) {
  const std::string body =
      "\xEF\xBB\xBFuser-agent: * # everyone\r\n  Disallow :  /a  # no "
      "a\rallow: /a/b\n";
  EXPECT_FALSE(Allowed(body, "/a/x"));
  EXPECT_TRUE(Allowed(body, "/a/b"));
}

// RFC 9309 2.5: parse at least 500 KiB, ignore the rest.
TEST(RobotsTxtTest, ID_ParsesAt512KiBAndIgnoresTheRest) {
  std::string body = "user-agent: *\ndisallow: /early\n";
  while (body.size() < 600 * 1024)
    body += "# padding padding padding padding\n";
  body += "disallow: /late\n";
  EXPECT_FALSE(Allowed(body, "/early"));
  EXPECT_TRUE(Allowed(body, "/late"));
}

TEST(RobotsTxtTest, CrawlDelayAndSitemapsAreRead) {
  const RobotsTxt robots = RobotsTxt::Parse(
      "sitemap: https://h/sitemap.xml\nuser-agent: *\ncrawl-delay: 2.5\n",
      "oitwatch");
  ASSERT_TRUE(robots.crawl_delay_seconds().has_value());
  EXPECT_DOUBLE_EQ(*robots.crawl_delay_seconds(), 2.5);
  ASSERT_EQ(robots.sitemaps().size(), 1u);
  EXPECT_EQ(robots.sitemaps()[0], "https://h/sitemap.xml");
}

TEST(RobotsTxtTest, BadCrawlDelayIsIgnored) {
  const RobotsTxt robots =
      RobotsTxt::Parse("user-agent: *\ncrawl-delay: soon\n", "oitwatch");
  EXPECT_FALSE(robots.crawl_delay_seconds().has_value());
}

// RFC 9309 2.3.1.3 / 2.3.1.4: unavailable allows all, unreachable disallows.
TEST(RobotsTxtTest, ID_UnavailableAndUnreachable) {
  EXPECT_TRUE(RobotsTxt::AllowAll().Allowed("/x"));
  const RobotsTxt none = RobotsTxt::DisallowAll("robots.txt: HTTP 503");
  EXPECT_FALSE(none.Allowed("/x"));
  EXPECT_TRUE(none.disallow_all());
  EXPECT_EQ(none.reason(), "robots.txt: HTTP 503");
}

TEST(RobotsTxtTest, HtmlServedAsRobotsAllowsAll) {
  EXPECT_TRUE(Allowed("<html><body>Not found: /</body></html>", "/x"));
}

TEST(RobotsTxtTest, PathologicalWildcardsStayFast) {
  std::string pattern(500, '*');
  for (int i = 0; i < 200; ++i) pattern += "a*";
  const std::string body = "user-agent: *\ndisallow: /" + pattern + "b\n";
  EXPECT_TRUE(Allowed(body, "/" + std::string(2000, 'a')));
}

}  // namespace
}  // namespace oitwatch
