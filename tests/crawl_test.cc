#include "crawler/crawl.h"

#include <gtest/gtest.h>

namespace oitwatch {
namespace {

TEST(ClassifyLinkTest, ScopeOfASiteUnderAPrefixOnASharedHost) {
  const std::string prefix = "https://webportal.bangkok.go.th/laksi/";
  const struct {
    const char* url;
    LinkScope want;
  } kCases[] = {
      {"https://webportal.bangkok.go.th/laksi/page/sub/1/x", LinkScope::kPage},
      {"https://webportal.bangkok.go.th/laksi/ITA/plan.pdf", LinkScope::kDocument},
      {"https://webportal.bangkok.go.th/public/user_files_editor/41/a.pdf",
       LinkScope::kDocument},
      {"https://webportal.bangkok.go.th/bangrak/coverpages", LinkScope::kOtherSitePage},
      {"https://webportal.bangkok.go.th/pipd/policy", LinkScope::kOtherSitePage},
      {"https://bmaoss.bangkok.go.th/", LinkScope::kOtherHost},
      // The same host over plain http is the same site, not another host.
      {"http://webportal.bangkok.go.th/laksi/page/sub/2/y", LinkScope::kPage},
      {"https://webportal.bangkok.go.th:8443/laksi/x", LinkScope::kOtherHost},
  };
  for (const auto& c : kCases) {
    EXPECT_EQ(ClassifyLink(prefix, c.url), c.want) << c.url;
  }
}

}  // namespace
}  // namespace oitwatch
