#include "crawler/frontier.h"

#include <gtest/gtest.h>

namespace oitwatch {
namespace {

using std::chrono::milliseconds;

Request Page(const std::string& site, const std::string& url, int priority = 0,
             int depth = 1) {
  Request r;
  r.site_id = site;
  r.url = url;
  r.priority = priority;
  r.depth = depth;
  return r;
}

FrontierLimits NoDelay() {
  FrontierLimits limits;
  limits.host_delay = milliseconds(0);
  return limits;
}

TEST(FrontierTest, HigherPriorityFirstThenFifo) {
  Frontier f(NoDelay());
  TimePoint now = Clock::now();
  f.Add(Page("a", "http://h/a/1", 0));
  f.Add(Page("a", "http://h/a/2", 5));
  f.Add(Page("a", "http://h/a/3", 0));
  std::vector<std::string> order;
  while (std::optional<Request> r = f.Next(now)) {
    order.push_back(r->url);
    f.Done(*r, now);
  }
  EXPECT_EQ(order, (std::vector<std::string>{"http://h/a/2", "http://h/a/1",
                                             "http://h/a/3"}));
}

TEST(FrontierTest, SameUrlQueuedOncePerSite) {
  Frontier f(NoDelay());
  EXPECT_TRUE(f.Add(Page("a", "http://h/a/1")));
  EXPECT_FALSE(f.Add(Page("a", "http://h/a/1")));
  EXPECT_EQ(f.queued(), 1u);
}

TEST(FrontierTest, OneConnectionPerHostByDefault) {
  Frontier f(NoDelay());
  TimePoint now = Clock::now();
  f.Add(Page("a", "http://h/a/1"));
  f.Add(Page("b", "http://h/b/1"));
  ASSERT_TRUE(f.Next(now).has_value());
  EXPECT_FALSE(f.Next(now).has_value()) << "host connection budget exceeded";
}

TEST(FrontierTest, WaitsHostDelayBetweenRequestsToSameHost) {
  FrontierLimits limits;
  limits.host_delay = milliseconds(1000);
  Frontier f(limits);
  TimePoint now = Clock::now();
  f.Add(Page("a", "http://h/a/1"));
  f.Add(Page("a", "http://h/a/2"));
  std::optional<Request> first = f.Next(now);
  ASSERT_TRUE(first);
  f.Done(*first, now);
  EXPECT_FALSE(f.Next(now + milliseconds(999)));
  ASSERT_TRUE(f.NextReadyTime());
  EXPECT_EQ(*f.NextReadyTime(), now + milliseconds(1000));
  EXPECT_TRUE(f.Next(now + milliseconds(1000)));
}

TEST(FrontierTest, SitesOnOneHostShareItsBudgetAndTakeTurns) {
  Frontier f(NoDelay());
  TimePoint now = Clock::now();
  for (int i = 0; i < 3; ++i) {
    f.Add(Page("a", "http://h/a/" + std::to_string(i)));
    f.Add(Page("b", "http://h/b/" + std::to_string(i)));
  }
  std::string sites;
  while (std::optional<Request> r = f.Next(now)) {
    sites += r->site_id;
    f.Done(*r, now);
  }
  EXPECT_EQ(sites, "ababab");
}

TEST(FrontierTest, DifferentHostsDoNotWaitForEachOther) {
  FrontierLimits limits;
  limits.host_delay = milliseconds(5000);
  Frontier f(limits);
  TimePoint now = Clock::now();
  f.Add(Page("a", "http://h1/a/1"));
  f.Add(Page("a", "http://h2/x"));
  EXPECT_TRUE(f.Next(now));
  EXPECT_TRUE(f.Next(now));
}

TEST(FrontierTest, RobotsRequestGoesBeforeSitePages) {
  Frontier f(NoDelay());
  TimePoint now = Clock::now();
  f.Add(Page("a", "http://h/a/1", 1000));
  Request robots;
  robots.url = "http://h/robots.txt";
  robots.kind = RequestKind::kRobots;
  f.Add(robots);
  std::optional<Request> r = f.Next(now);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->url, "http://h/robots.txt");
}

TEST(FrontierTest, RequestBudgetPerSiteCountsSkipped) {
  FrontierLimits limits = NoDelay();
  limits.max_requests_per_site = 2;
  Frontier f(limits);
  EXPECT_TRUE(f.Add(Page("a", "http://h/a/1")));
  EXPECT_TRUE(f.Add(Page("a", "http://h/a/2")));
  EXPECT_FALSE(f.Add(Page("a", "http://h/a/3")));
  EXPECT_FALSE(f.Retry(Page("a", "http://h/a/1")));
  EXPECT_EQ(f.skipped("a"), 2);
  EXPECT_TRUE(f.Add(Page("b", "http://h/b/1"))) << "budgets are per site";
}

TEST(FrontierTest, DepthLimit) {
  FrontierLimits limits = NoDelay();
  limits.max_depth = 2;
  Frontier f(limits);
  EXPECT_TRUE(f.Add(Page("a", "http://h/a/1", 0, 2)));
  EXPECT_FALSE(f.Add(Page("a", "http://h/a/2", 0, 3)));
}

TEST(FrontierTest, RetryAfterExtraDelayIsHonoured) {
  Frontier f(NoDelay());
  TimePoint now = Clock::now();
  f.Add(Page("a", "http://h/a/1"));
  std::optional<Request> r = f.Next(now);
  ASSERT_TRUE(r);
  f.Done(*r, now, milliseconds(2000));
  ASSERT_TRUE(f.Retry(*r));
  EXPECT_FALSE(f.Next(now + milliseconds(1999)));
  EXPECT_TRUE(f.Next(now + milliseconds(2000)));
}

TEST(FrontierTest, DropSiteEmptiesItsQueues) {
  Frontier f(NoDelay());
  f.Add(Page("a", "http://h/a/1"));
  f.Add(Page("a", "http://h/a/2"));
  f.Add(Page("b", "http://h/b/1"));
  EXPECT_EQ(f.DropSite("a"), 2);
  EXPECT_EQ(f.queued_for_site("a"), 0u);
  EXPECT_EQ(f.queued(), 1u);
}

TEST(FrontierTest, AtThePageLimitABetterPageEvictsTheWorstWaitingOne) {
  FrontierLimits limits = NoDelay();
  limits.max_pages_per_site = 2;
  Frontier f(limits);
  ASSERT_TRUE(f.Add(Page("a", "http://h/a/news1", 1)));
  ASSERT_TRUE(f.Add(Page("a", "http://h/a/news2", 2)));
  std::vector<Request> evicted;
  EXPECT_TRUE(f.Add(Page("a", "http://h/a/ita", 200), &evicted))
      << "the ITA index found late still gets a place";
  ASSERT_EQ(evicted.size(), 1u);
  EXPECT_EQ(evicted[0].url, "http://h/a/news1");
  EXPECT_EQ(f.skipped("a"), 1);
  EXPECT_FALSE(f.Add(Page("a", "http://h/a/news3", 0), &evicted))
      << "a worse page does not evict a better one";
  EXPECT_EQ(f.skipped("a"), 2);
}

TEST(FrontierTest, ARetryIsNeverEvicted) {
  FrontierLimits limits = NoDelay();
  limits.max_pages_per_site = 1;
  Frontier f(limits);
  TimePoint now = Clock::now();
  ASSERT_TRUE(f.Add(Page("a", "http://h/a/1", 0)));
  std::optional<Request> r = f.Next(now);
  ASSERT_TRUE(r);
  f.Done(*r, now);
  Request again = *r;
  again.attempt = 1;
  ASSERT_TRUE(f.Retry(again));
  std::vector<Request> evicted;
  EXPECT_FALSE(f.Add(Page("a", "http://h/a/2", 100), &evicted));
  EXPECT_TRUE(evicted.empty());
}

TEST(FrontierTest, PastItsLimitAWorsePageWaitsForABetterOneInFlight) {
  FrontierLimits limits = NoDelay();
  limits.max_pages_per_site = 2;
  limits.host_connections = 4;
  Frontier f(limits);
  TimePoint now = Clock::now();
  ASSERT_TRUE(f.Add(Page("a", "http://h/a/ita", 200)));
  ASSERT_TRUE(f.Add(Page("a", "http://h/a/news", 1)));
  std::vector<Request> evicted;
  f.Add(Page("a", "http://h/a/more", 0), &evicted);  // more found than allowed
  std::optional<Request> ita = f.Next(now);
  ASSERT_TRUE(ita);
  EXPECT_EQ(ita->url, "http://h/a/ita");
  EXPECT_FALSE(f.Next(now)) << "the ITA page's links may displace the news page";
  f.Done(*ita, now);
  std::optional<Request> news = f.Next(now);
  ASSERT_TRUE(news);
  EXPECT_EQ(news->url, "http://h/a/news");
}

}  // namespace
}  // namespace oitwatch
