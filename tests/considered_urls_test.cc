// ConsideredUrls: a URL is considered once, unless it was left out of the
// crawl and a later link ranks it better; left-out URLs are counted once per
// kind; the URLs of a site are capped.
#include "crawler/considered_urls.h"

#include <gtest/gtest.h>

#include <string>

namespace oitwatch {
namespace {

Request Link(const std::string& url, int priority,
             const std::string& text = "") {
  Request r;
  r.url = url;
  r.site_id = "a";
  r.priority = priority;
  r.link_text = text;
  return r;
}

TEST(ConsideredUrlsTest, AUrlTakenIsNotConsideredAgain) {
  ConsideredUrls urls;
  SiteCrawlStats stats;
  EXPECT_TRUE(urls.Consider("http://h/a", 0, false, true, &stats));
  EXPECT_FALSE(urls.Consider("http://h/a", 500, true, true, &stats));
  EXPECT_TRUE(urls.Taken("http://h/a"));
}

TEST(ConsideredUrlsTest, ALeftOutUrlComesBackOnlyWithABetterLink) {
  ConsideredUrls urls;
  SiteCrawlStats stats;
  ASSERT_TRUE(urls.Consider("http://h/ita", -5, false, true, &stats));
  urls.LeaveOut(Link("http://h/ita", -5, "หน้ารวม"), LeftOutWhy::kBudget,
                &stats);
  stats.skipped = 1;  // the engine's NotFetched
  EXPECT_EQ(stats.over_budget, 1);
  EXPECT_TRUE(stats.left_out.empty()) << "priority <= 0 is not ranked";
  EXPECT_FALSE(urls.Consider("http://h/ita", -5, false, true, &stats));
  EXPECT_TRUE(urls.Consider("http://h/ita", 190, true, true, &stats));
  EXPECT_EQ(stats.over_budget, 0) << "withdrawn: it is tried again";
  EXPECT_EQ(stats.skipped, 0);
  urls.LeaveOut(Link("http://h/ita", 190, "ITA"), LeftOutWhy::kBudget, &stats);
  EXPECT_EQ(stats.over_budget, 1) << "counted once";
  ASSERT_EQ(stats.left_out.count("http://h/ita"), 1u);
  EXPECT_EQ(stats.left_out["http://h/ita"].text, "ITA");
  EXPECT_TRUE(stats.left_out["http://h/ita"].under_index);
}

TEST(ConsideredUrlsTest, AUrlTooDeepComesBackWithinTheDepth) {
  ConsideredUrls urls;
  SiteCrawlStats stats;
  ASSERT_TRUE(urls.Consider("http://h/ita", 200, false, false, &stats));
  urls.LeaveOut(Link("http://h/ita", 200), LeftOutWhy::kDepth, &stats);
  EXPECT_EQ(stats.past_depth, 1);
  EXPECT_EQ(stats.past_depth_example, "http://h/ita");
  EXPECT_FALSE(urls.Consider("http://h/ita", 100, false, false, &stats));
  EXPECT_TRUE(urls.Consider("http://h/ita", 100, false, true, &stats))
      << "a shallower link, even of lower priority";
  EXPECT_EQ(stats.past_depth, 0);
  EXPECT_EQ(stats.past_depth_example, "");
  EXPECT_EQ(stats.left_out.count("http://h/ita"), 0u);
}

TEST(ConsideredUrlsTest, UrlsPastTheCapAreCountedNotKept) {
  ConsideredUrls urls;
  SiteCrawlStats stats;
  for (size_t i = 0; i < kMaxUrlsPerSite; ++i) {
    ASSERT_TRUE(
        urls.Consider("http://h/" + std::to_string(i), 0, false, true, &stats));
  }
  EXPECT_FALSE(urls.Consider("http://h/ita", 500, true, true, &stats));
  EXPECT_FALSE(urls.Consider("http://h/ita", 500, true, true, &stats));
  EXPECT_EQ(stats.over_url_cap, 2);
  EXPECT_EQ(urls.size(), kMaxUrlsPerSite);
  EXPECT_FALSE(urls.Consider("http://h/7", 0, false, true, &stats))
      << "a URL kept is still known";
}

}  // namespace
}  // namespace oitwatch
