#include "crawler/trap.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace oitwatch {
namespace {

TEST(UrlTemplateTest, NumbersAndQueryValuesDoNotMakeANewShape) {
  const struct {
    const char* url;
    const char* want;
  } kCases[] = {
      {"http://h/cal/?month=7", "/cal/?month"},
      {"http://h/cal/?month=123456", "/cal/?month"},
      {"http://h/cal/2024/05/", "/cal/#/#/"},
      {"http://h/news/p12-3.html", "/news/p#-#.html"},
      // Facets: the set of keys, whatever their order, values or repeats.
      {"http://h/f/?b=2&a=1&c=", "/f/?a&b&c"},
      {"http://h/f/?c=x&a=&b=1&a=2", "/f/?a&b&c"},
      {"http://h/f/?flag", "/f/?flag"},
      {"http://h/laksi/", "/laksi/"},
      // A percent-escape names a character: its hex digits stay.
      {"http://h/laksi/page/sub/1001/%E0%B8%81%E0%B8%82",
       "/laksi/page/sub/#/%E0%B8%81%E0%B8%82"},
  };
  for (const auto& c : kCases) {
    EXPECT_EQ(UrlTemplate(c.url), c.want) << c.url;
  }
}

TEST(UrlTemplateTest, DifferentWordsAreDifferentShapes) {
  EXPECT_NE(UrlTemplate("http://h/laksi/page/sub/1/about"),
            UrlTemplate("http://h/laksi/page/sub/2/contact"));
  EXPECT_NE(UrlTemplate("http://h/x?a=1"), UrlTemplate("http://h/x?b=1"));
  EXPECT_NE(UrlTemplate("http://h/x?a=1"), UrlTemplate("http://h/x"));
}

TEST(TemplateBudgetTest, AdmitsUpToTheBudgetPerShape) {
  TemplateBudget budget(3);
  for (int m = 0; m < 3; ++m) {
    EXPECT_TRUE(budget.Admit("http://h/cal/?m=" + std::to_string(m))) << m;
  }
  EXPECT_FALSE(budget.Admit("http://h/cal/?m=3"));
  EXPECT_FALSE(budget.Admit("http://h/cal/?m=4"));
  EXPECT_TRUE(budget.Admit("http://h/cal/?m=1&view=week")) << "another shape";
  EXPECT_TRUE(budget.Admit("http://h/about")) << "another shape";
}

TEST(TemplateBudgetTest, LikelyEvidenceHasALargerButFiniteBudget) {
  TemplateBudget budget(3);
  for (int m = 0; m < 3 * TemplateBudget::kLikelyFactor; ++m) {
    EXPECT_TRUE(budget.Admit("http://h/plan/?id=" + std::to_string(m), true))
        << m;
  }
  EXPECT_FALSE(budget.Admit("http://h/plan/?id=999", true));
}

// The bench fixture's news archive (59 pages, some linked with words that
// rank as evidence): likely links never spend the ordinary budget.
TEST(TemplateBudgetTest, LikelyLinksDoNotSpendTheOrdinaryBudget) {
  TemplateBudget budget(3);
  for (int m = 0; m < 5; ++m) {
    EXPECT_TRUE(budget.Admit("http://h/news/" + std::to_string(m), true));
  }
  for (int m = 5; m < 8; ++m) {
    EXPECT_TRUE(budget.Admit("http://h/news/" + std::to_string(m))) << m;
  }
  EXPECT_FALSE(budget.Admit("http://h/news/99"));
}

TEST(TemplateBudgetTest, QueryShapesPerPathAreCapped) {
  TemplateBudget budget(50);
  const std::string keys = "abcdefgh";
  size_t admitted = 0;
  for (int set = 1; set < 64; ++set) {  // 63 key sets of one path
    std::string url = "http://h/search?x=1";
    for (int bit = 0; bit < 6; ++bit) {
      if (set >> bit & 1) url += "&" + keys.substr(bit, 1) + "=1";
    }
    if (budget.Admit(url, true)) ++admitted;
  }
  EXPECT_EQ(admitted, TemplateBudget::kMaxQueryShapes);
  EXPECT_TRUE(budget.Admit("http://h/search?x=2&a=1"))
      << "a shape already seen goes on";
  EXPECT_TRUE(budget.Admit("http://h/other?x=1&h=1")) << "another path";
  EXPECT_TRUE(budget.Admit("http://h/search")) << "no query: no shape";
}

TEST(TemplateBudgetTest, ZeroMeansNoLimit) {
  TemplateBudget budget(0);
  for (int m = 0; m < 1000; ++m) {
    ASSERT_TRUE(budget.Admit("http://h/cal/?m=" + std::to_string(m)));
  }
}

TEST(PageTextFingerprintTest, NumbersMarkupAndScriptsDoNotMakeANewText) {
  const uint64_t may = PageTextFingerprint(
      "<html><head><style>p{color:red}</style></head><body>"
      "<h1>ปฏิทินกิจกรรม เดือน 5/2568</h1><a href=\"?m=5\">ถัดไป</a>"
      "<!-- built 12:00 --><script>var t=\"a<b\";</script></body></html>");
  EXPECT_EQ(may, PageTextFingerprint(
                     "<html><head><style>p{color:blue}</style></head><body>"
                     "<h1>ปฏิทินกิจกรรม เดือน 6/2568</h1><a href=\"?m=6&x=1\">"
                     "ถัดไป</a><!-- built 12:01 --><SCRIPT>var t=2;</SCRIPT>"
                     "</body></html>"));
  EXPECT_EQ(PageTextFingerprint("<p>ฉบับที่ ๑๒/๒๕๖๘ token a8f3</p>"),
            PageTextFingerprint("<p>ฉบับที่  ๔/2567\ntoken 77b1</p>"))
      << "Thai digits are digits; a word holding a digit is one word";
}

TEST(PageTextFingerprintTest, OtherWordsAreAnotherText) {
  EXPECT_NE(PageTextFingerprint("<h1>ประกาศ เรื่อง ถนน</h1>"),
            PageTextFingerprint("<h1>ประกาศ เรื่อง สะพาน</h1>"));
  EXPECT_NE(PageTextFingerprint("<p>ab cd</p>"),
            PageTextFingerprint("<p>abcd</p>"));
  EXPECT_NE(PageTextFingerprint("a < b"), PageTextFingerprint("a"))
      << "a '<' that opens no tag is text";
}

// Long runs of Thai letters are read 16 bytes at a time: a digit or a
// changed letter anywhere in one, at every offset from a block's edge,
// reads as it does in a short run.
TEST(PageTextFingerprintTest, LongThaiRunsReadAsShortOnes) {
  std::string run;
  for (int k = 0; k < 60; ++k) run += k % 3 ? "ก" : "เ";  // 3 bytes each
  std::set<uint64_t> texts;
  for (size_t at = 0; at <= run.size(); at += 3) {
    const std::string before = run.substr(0, at), after = run.substr(at);
    const uint64_t thai_digit = PageTextFingerprint(before + "๕" + after);
    EXPECT_EQ(thai_digit, PageTextFingerprint(before + "7" + after)) << at;
    EXPECT_EQ(thai_digit, PageTextFingerprint(before + "๑๒" + after)) << at;
    EXPECT_TRUE(texts.insert(thai_digit).second)
        << "a digit elsewhere splits the run elsewhere: " << at;
    if (at < run.size()) {
      EXPECT_NE(PageTextFingerprint(run),
                PageTextFingerprint(before + "ข" + run.substr(at + 3)))
          << at;
    }
  }
  EXPECT_NE(PageTextFingerprint(run + run),
            PageTextFingerprint(run + " " + run));
  EXPECT_EQ(PageTextFingerprint(run + " \n\t " + run),
            PageTextFingerprint(run + "<br>" + run));
}

Request PageRequest(const std::string& url, int priority = 1) {
  Request r;
  r.url = url;
  r.kind = RequestKind::kPage;
  r.priority = priority;
  return r;
}

// A district's archive of more announcements than the budget: each page
// fetched that reads like no other lets one more in, best first.
TEST(TemplateBudgetTest, PagesOfNewTextLetWaitingUrlsIn) {
  TemplateBudget budget(1);  // 1 ordinary, 4 likely
  std::vector<Request> displaced;
  for (int n = 0; n < 4; ++n) {
    EXPECT_EQ(budget.Offer(PageRequest("http://h/ann/" + std::to_string(n)),
                           &displaced),
              TemplateBudget::Admission::kQueue);
  }
  EXPECT_EQ(budget.Offer(PageRequest("http://h/ann/4", 5), &displaced),
            TemplateBudget::Admission::kWait);
  EXPECT_EQ(budget.Offer(PageRequest("http://h/ann/5", 9), &displaced),
            TemplateBudget::Admission::kWait);
  EXPECT_EQ(budget.waiting(), 2u);
  EXPECT_TRUE(budget.Fetched("http://h/ann/0", 100).empty())
      << "the first text earns nothing";
  std::vector<Request> in = budget.Fetched("http://h/ann/1", 101);
  ASSERT_EQ(in.size(), 1u);
  EXPECT_EQ(in[0].url, "http://h/ann/5") << "best first";
  EXPECT_TRUE(budget.Fetched("http://h/ann/2", 101).empty())
      << "a text seen before earns nothing";
  in = budget.Fetched("http://h/ann/3", 103);
  ASSERT_EQ(in.size(), 1u);
  EXPECT_EQ(in[0].url, "http://h/ann/4");
  EXPECT_EQ(budget.waiting(), 0u);
  EXPECT_TRUE(displaced.empty());
  EXPECT_TRUE(budget.Fetched("http://h/other/1", 104).empty());
  EXPECT_TRUE(budget.Fetched("http://h/ann/4", 105).empty());
  EXPECT_EQ(budget.Offer(PageRequest("http://h/ann/6"), &displaced),
            TemplateBudget::Admission::kQueue)
      << "room earned with nothing waiting is used by the next link";
}

// B11: a calendar's months read alike (numbers aside); they earn nothing,
// and what waits is taken out at the end, to be left out as a trap.
TEST(TemplateBudgetTest, PagesOfOneTextEarnNothing) {
  TemplateBudget budget(1);
  std::vector<Request> displaced;
  for (int m = 0; m < 100; ++m) {
    const std::string url = "http://h/cal/?m=" + std::to_string(m);
    if (budget.Offer(PageRequest(url), &displaced) ==
        TemplateBudget::Admission::kQueue) {
      EXPECT_TRUE(budget.Fetched(url, 7).empty()) << m;
    }
  }
  // No more wait than the template could ever earn room for.
  const size_t cap = TemplateBudget::kEarnFactor;
  EXPECT_EQ(budget.waiting(), cap);
  EXPECT_EQ(budget.TakeWaiting().size(), cap);
  EXPECT_EQ(budget.waiting(), 0u);
}

// A trap whose every page reads differently still ends: a template earns
// at most kEarnFactor times its budget.
TEST(TemplateBudgetTest, EarningStopsAtItsCap) {
  TemplateBudget budget(2);
  std::vector<Request> displaced;
  std::vector<std::string> fetch;
  for (int n = 0; n < 1000; ++n) {
    const std::string url = "http://h/gen/" + std::to_string(n);
    if (budget.Offer(PageRequest(url), &displaced) ==
        TemplateBudget::Admission::kQueue) {
      fetch.push_back(url);
    }
  }
  for (size_t i = 0; i < fetch.size(); ++i) {
    for (const Request& r : budget.Fetched(fetch[i], 1000 + i)) {
      fetch.push_back(r.url);
    }
  }
  EXPECT_EQ(fetch.size(),
            static_cast<size_t>(2 * TemplateBudget::kLikelyFactor +
                                2 * TemplateBudget::kEarnFactor));
  EXPECT_FALSE(budget.Admit("http://h/gen/5000", true));
  EXPECT_EQ(budget.TakeWaiting().size(), 0u)
      << "no more waited than could ever be let in";
}

TEST(TemplateBudgetTest, ALowerRankedWaitingUrlMakesWay) {
  TemplateBudget budget(1);
  std::vector<Request> displaced;
  for (int n = 0; n < 4; ++n) {
    budget.Offer(PageRequest("http://h/a/" + std::to_string(n)), &displaced);
  }
  for (int n = 4; n < 4 + TemplateBudget::kEarnFactor; ++n) {
    ASSERT_EQ(budget.Offer(PageRequest("http://h/a/" + std::to_string(n), 2),
                           &displaced),
              TemplateBudget::Admission::kWait);
  }
  EXPECT_EQ(budget.Offer(PageRequest("http://h/a/99", 1), &displaced),
            TemplateBudget::Admission::kTrap)
      << "no room, and ranked below all that wait";
  EXPECT_EQ(budget.Offer(PageRequest("http://h/a/98", 3), &displaced),
            TemplateBudget::Admission::kWait);
  ASSERT_EQ(displaced.size(), 1u);
  EXPECT_EQ(displaced[0].url,
            "http://h/a/" + std::to_string(3 + TemplateBudget::kEarnFactor))
      << "the lowest ranked, found last";
}

TEST(TemplateBudgetTest, WaitingUrlsPerSiteAreCapped) {
  TemplateBudget budget(1000);
  std::vector<Request> displaced;
  size_t waiting = 0;
  for (int n = 0; waiting < TemplateBudget::kMaxWaiting + 10; ++n) {
    const std::string path = std::string("http://h/") +
                             (n % 3 == 0 ? "a/" : "b/") + std::to_string(n);
    if (budget.Offer(PageRequest(path), &displaced) !=
        TemplateBudget::Admission::kQueue) {
      ++waiting;
    }
  }
  EXPECT_EQ(budget.waiting(), TemplateBudget::kMaxWaiting);
}

// rt6net M04: the plan PDF linked as ?v=1..500 is one file.
TEST(DocumentVariantsTest, QueryVariantsOfOnePathAreCapped) {
  DocumentVariants variants;
  const std::string plan = "http://h/d/files/plan.pdf";
  EXPECT_TRUE(variants.Admit(plan));
  for (int i = 0; i < DocumentVariants::kMaxVariants; ++i) {
    EXPECT_TRUE(variants.Admit(plan + "?v=" + std::to_string(i))) << i;
  }
  EXPECT_FALSE(variants.Admit(plan + "?v=999"));
  EXPECT_TRUE(variants.Admit(plan)) << "the plain path is always admitted";
  EXPECT_TRUE(variants.Admit("http://h/d/files/report.pdf?v=1"))
      << "another document has its own count";
}

}  // namespace
}  // namespace oitwatch
