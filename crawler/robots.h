// robots.txt per RFC 9309: groups by user-agent (product token, case-
// insensitive, "*" fallback), longest-match allow/disallow with '*' and '$'
// wildcards, allow wins a tie, Crawl-delay read (non-standard). Parsing reads
// at most 512 KiB. Immutable after parse; thread-safe.
#ifndef OITWATCH_CRAWLER_ROBOTS_H_
#define OITWATCH_CRAWLER_ROBOTS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace oitwatch {

class RobotsTxt {
 public:
  // Rules of the group that applies to `product_token` (e.g. "oitwatch").
  static RobotsTxt Parse(std::string_view body, std::string_view product_token);
  // RFC 9309 2.3.1.3: 4xx (unavailable) means everything is allowed.
  static RobotsTxt AllowAll();
  // RFC 9309 2.3.1.4: 5xx or network error (unreachable) means nothing is.
  static RobotsTxt DisallowAll(std::string reason);

  // `path` is the URL path plus query, percent-encoded as sent.
  bool Allowed(std::string_view path) const;
  std::optional<double> crawl_delay_seconds() const { return crawl_delay_; }
  const std::vector<std::string>& sitemaps() const { return sitemaps_; }
  bool disallow_all() const { return disallow_all_; }
  const std::string& reason() const { return reason_; }

 private:
  struct Rule {
    std::string pattern;
    bool allow;
  };
  std::vector<Rule> rules_;
  std::optional<double> crawl_delay_;
  std::vector<std::string> sitemaps_;
  bool disallow_all_ = false;
  std::string reason_;
};

}  // namespace oitwatch

#endif  // OITWATCH_CRAWLER_ROBOTS_H_
