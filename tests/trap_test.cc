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

TEST(TemplateBudgetTest, ZeroMeansNoLimit) {
  TemplateBudget budget(0);
  for (int m = 0; m < 1000; ++m) {
    ASSERT_TRUE(budget.Admit("http://h/cal/?m=" + std::to_string(m)));
  }
}

}  // namespace
}  // namespace oitwatch
