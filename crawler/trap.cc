#include "crawler/trap.h"

#include <cctype>
#include <set>

#include "crawler/url.h"

namespace oitwatch {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// `path` with each run of digits replaced by '#'; "%XX" escapes are copied
// whole (their hex digits name a character, not a number).
std::string MaskDigits(std::string_view path) {
  std::string out;
  out.reserve(path.size());
  for (size_t i = 0; i < path.size(); ++i) {
    const char c = path[i];
    if (c == '%' && i + 2 < path.size() &&
        std::isxdigit(static_cast<unsigned char>(path[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(path[i + 2]))) {
      out.append(path.substr(i, 3));
      i += 2;
    } else if (IsDigit(c)) {
      if (out.empty() || out.back() != '#') out += '#';
    } else {
      out += c;
    }
  }
  return out;
}

// "b=2&a=1&a=3&c" -> "a&b&c".
std::string QueryKeys(std::string_view query) {
  std::set<std::string_view> keys;
  while (!query.empty()) {
    const size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? "" : query.substr(amp + 1);
    if (!pair.empty()) keys.insert(pair.substr(0, pair.find('=')));
  }
  std::string out;
  for (std::string_view key : keys) {
    if (!out.empty()) out += '&';
    out.append(key);
  }
  return out;
}

}  // namespace

std::string UrlTemplate(std::string_view url) {
  const std::string path = PathOf(url);  // path and query
  const size_t mark = path.find('?');
  std::string out = MaskDigits(std::string_view(path).substr(0, mark));
  if (mark != std::string::npos) {
    out += '?';
    out += QueryKeys(std::string_view(path).substr(mark + 1));
  }
  return out;
}

bool TemplateBudget::Admit(std::string_view url, bool likely) {
  if (max_per_template_ <= 0) return true;
  const std::string shape = UrlTemplate(url);
  auto count = counts_.find(shape);
  if (count == counts_.end()) {  // a new template: a new query shape?
    const size_t mark = shape.find('?');
    if (mark != std::string::npos) {
      std::set<std::string>& seen = shapes_[shape.substr(0, mark)];
      if (seen.size() >= kMaxQueryShapes) return false;
      seen.insert(shape.substr(mark + 1));
    }
    count = counts_.emplace(shape, Counts{}).first;
  }
  // Likely evidence has a budget of its own, so it never spends the
  // ordinary links' (a news archive of 59 pages is no trap).
  int& n = likely ? count->second.likely : count->second.ordinary;
  if (n >= (likely ? kLikelyFactor * max_per_template_ : max_per_template_)) {
    return false;
  }
  ++n;
  return true;
}

bool DocumentVariants::Admit(std::string_view url) {
  const size_t mark = url.find('?');
  if (mark == std::string_view::npos) return true;
  const std::string_view path = url.substr(0, mark);
  auto it = counts_.find(path);
  if (it == counts_.end()) it = counts_.emplace(std::string(path), 0).first;
  if (it->second >= kMaxVariants) return false;
  ++it->second;
  return true;
}

}  // namespace oitwatch
