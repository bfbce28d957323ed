#include "crawler/robots.h"

#include <cstdlib>
#include <vector>

namespace oitwatch {
namespace {

// RFC 9309 2.5: "The parsing limit MUST be at least 500 kibibytes".
constexpr size_t kMaxRobotsBytes = 512 * 1024;

char AsciiLower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = AsciiLower(c);
  return out;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
    text.remove_suffix(1);
  return text;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsUnreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
}

// RFC 9309 2.2.2: non-ASCII octets are percent-encoded, escaped unreserved
// characters are unescaped, other escapes keep upper-case hex; so a pattern
// and a path spelled differently compare equal.
std::string NormalizePath(std::string_view path) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (size_t i = 0; i < path.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(path[i]);
    if (c == '%' && i + 2 < path.size() && HexValue(path[i + 1]) >= 0 &&
        HexValue(path[i + 2]) >= 0) {
      const char decoded =
          static_cast<char>(HexValue(path[i + 1]) * 16 + HexValue(path[i + 2]));
      if (IsUnreserved(decoded)) {
        out.push_back(decoded);
      } else {
        out += {'%', kHex[(decoded >> 4) & 0xF], kHex[decoded & 0xF]};
      }
      i += 2;
    } else if (c >= 0x80 || c <= 0x20) {
      out += {'%', kHex[c >> 4], kHex[c & 0xF]};
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

// Matches `pattern` ('*' = any run, trailing '$' = end of path) against the
// start of `path`. Tracks the sorted set of path positions reachable after
// each pattern character (google/robotstxt's algorithm): O(|pattern|*|path|),
// no backtracking blow-up on "a*a*a*...".
bool PatternMatches(std::string_view pattern, std::string_view path) {
  std::vector<size_t> positions = {0};
  for (size_t j = 0; j < pattern.size(); ++j) {
    const char c = pattern[j];
    if (c == '$' && j + 1 == pattern.size()) {
      return positions.back() == path.size();
    }
    if (c == '*') {
      const size_t first = positions.front();
      positions.clear();
      for (size_t p = first; p <= path.size(); ++p) positions.push_back(p);
      continue;
    }
    size_t kept = 0;
    for (size_t p : positions) {
      if (p < path.size() && path[p] == c) positions[kept++] = p + 1;
    }
    positions.resize(kept);
    if (positions.empty()) return false;
  }
  return true;
}

}  // namespace

namespace {

enum class Key { kUserAgent, kAllow, kDisallow, kCrawlDelay, kSitemap, kOther };

Key ParseKey(std::string_view raw) {
  const std::string key = Lower(Trim(raw));
  if (key == "user-agent" || key == "useragent" || key == "user agent")
    return Key::kUserAgent;
  if (key == "allow") return Key::kAllow;
  if (key == "disallow" || key == "dissallow" || key == "disalow")
    return Key::kDisallow;
  if (key == "crawl-delay" || key == "crawldelay") return Key::kCrawlDelay;
  if (key == "sitemap" || key == "site-map") return Key::kSitemap;
  return Key::kOther;
}

// RFC 9309 2.2.1: the product token is the leading [a-zA-Z_-] run.
std::string ProductToken(std::string_view value) {
  if (!value.empty() && value.front() == '*') return "*";
  size_t end = 0;
  while (end < value.size()) {
    const char c = value[end];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
              c == '-';
    if (!ok) break;
    ++end;
  }
  return Lower(value.substr(0, end));
}

struct ParsedRule {
  std::string pattern;
  bool allow;
};

// The rules of the groups for our token and of the '*' groups, collected in
// one pass; groups with the same user-agent are merged (RFC 9309 2.2.1).
struct Collector {
  std::string token;
  bool in_agent_lines = false;
  bool group_is_ours = false, group_is_star = false;
  bool found_ours = false, found_star = false;
  std::vector<ParsedRule> ours, star;
  std::optional<double> ours_delay, star_delay;
  std::vector<std::string> sitemaps;

  void UserAgent(std::string_view value) {
    if (!in_agent_lines) group_is_ours = group_is_star = false;
    in_agent_lines = true;
    const std::string product = ProductToken(value);
    if (product == "*") {
      group_is_star = found_star = true;
    } else if (!product.empty() && product == token) {
      group_is_ours = found_ours = true;
    }
  }

  void AddRule(std::string_view value, bool allow) {
    in_agent_lines = false;
    if (value.empty()) return;  // "Disallow:" alone allows everything
    std::string pattern = NormalizePath(value);
    if (pattern[0] != '/' && pattern[0] != '*') pattern.insert(0, "/");
    if (group_is_ours) ours.push_back({pattern, allow});
    if (group_is_star) star.push_back({pattern, allow});
  }

  void CrawlDelay(std::string_view value) {
    in_agent_lines = false;
    const std::string text(value);
    char* end = nullptr;
    const double seconds = std::strtod(text.c_str(), &end);
    if (end == text.c_str() || !(seconds >= 0) || seconds > 1e9) return;
    if (group_is_ours) ours_delay = seconds;
    if (group_is_star) star_delay = seconds;
  }

  void Line(std::string_view line) {
    line = line.substr(0, line.find('#'));
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) return;
    const std::string_view value = Trim(line.substr(colon + 1));
    switch (ParseKey(line.substr(0, colon))) {
      case Key::kUserAgent:
        UserAgent(value);
        break;
      case Key::kAllow:
        AddRule(value, true);
        break;
      case Key::kDisallow:
        AddRule(value, false);
        break;
      case Key::kCrawlDelay:
        CrawlDelay(value);
        break;
      case Key::kSitemap:
        if (!value.empty()) sitemaps.emplace_back(value);
        break;
      case Key::kOther:
        break;
    }
  }
};

// Cuts at the 512 KiB cap (dropping a partly read last line) and a UTF-8 BOM.
std::string_view Bounded(std::string_view body) {
  if (body.substr(0, 3) == "\xEF\xBB\xBF") body.remove_prefix(3);
  if (body.size() <= kMaxRobotsBytes) return body;
  body = body.substr(0, kMaxRobotsBytes);
  const size_t last_break = body.find_last_of("\r\n");
  return last_break == std::string_view::npos ? std::string_view()
                                              : body.substr(0, last_break);
}

}  // namespace

RobotsTxt RobotsTxt::Parse(std::string_view body,
                           std::string_view product_token) {
  Collector collector;
  collector.token = ProductToken(Trim(product_token));
  body = Bounded(body);
  size_t start = 0;
  while (start < body.size()) {
    size_t end = body.find_first_of("\r\n", start);
    if (end == std::string_view::npos) end = body.size();
    collector.Line(body.substr(start, end - start));
    start = end + 1;
  }
  const bool ours = collector.found_ours;
  RobotsTxt robots;
  for (const ParsedRule& rule : ours ? collector.ours : collector.star) {
    robots.rules_.push_back({rule.pattern, rule.allow});
  }
  robots.crawl_delay_ = ours ? collector.ours_delay : collector.star_delay;
  robots.sitemaps_ = std::move(collector.sitemaps);
  return robots;
}

RobotsTxt RobotsTxt::AllowAll() { return RobotsTxt(); }

RobotsTxt RobotsTxt::DisallowAll(std::string reason) {
  RobotsTxt robots;
  robots.disallow_all_ = true;
  robots.reason_ = std::move(reason);
  return robots;
}

bool RobotsTxt::Allowed(std::string_view path) const {
  const std::string normal = NormalizePath(path.empty() ? "/" : path);
  // RFC 9309 2.2.2: "The /robots.txt URI is implicitly allowed."
  if (normal == "/robots.txt") return true;
  if (disallow_all_) return false;
  size_t best_length = 0;
  bool matched = false, allowed = true;
  for (const Rule& rule : rules_) {
    if (!PatternMatches(rule.pattern, normal)) continue;
    const size_t length = rule.pattern.size();
    // Longest match wins; on a tie, allow wins (RFC 9309 2.2.2).
    if (!matched || length > best_length ||
        (length == best_length && rule.allow)) {
      allowed = (matched && length == best_length) ? (allowed || rule.allow)
                                                   : rule.allow;
      best_length = length;
      matched = true;
    }
  }
  return allowed;
}

}  // namespace oitwatch
