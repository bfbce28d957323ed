#include "crawler/trap.h"

#include <gtest/gtest.h>

#include <string>

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
