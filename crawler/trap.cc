#include "crawler/trap.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <iterator>
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

TemplateBudget::Counts* TemplateBudget::Find(const std::string& shape) {
  auto count = counts_.find(shape);
  if (count == counts_.end()) {  // a new template: a new query shape?
    const size_t mark = shape.find('?');
    if (mark != std::string::npos) {
      std::set<std::string>& seen = shapes_[shape.substr(0, mark)];
      if (seen.size() >= kMaxQueryShapes) return nullptr;
      seen.insert(shape.substr(mark + 1));
    }
    count = counts_.emplace(shape, Counts{}).first;
  }
  return &count->second;
}

bool TemplateBudget::Count(Counts& c, bool likely) {
  // Likely evidence has a budget of its own, so it never spends the
  // ordinary links' (a news archive of 59 pages is no trap).
  int& n = likely ? c.likely : c.ordinary;
  if (n < (likely ? kLikelyFactor * max_per_template_ : max_per_template_)) {
    ++n;
    return true;
  }
  if (c.spent < Earned(c)) {  // past the budget, on what its pages earned
    ++c.spent;
    return true;
  }
  return false;
}

bool TemplateBudget::Admit(std::string_view url, bool likely) {
  if (max_per_template_ <= 0) return true;
  Counts* c = Find(UrlTemplate(url));
  return c != nullptr && Count(*c, likely);
}

TemplateBudget::Admission TemplateBudget::Offer(
    const Request& r, std::vector<Request>* displaced) {
  if (max_per_template_ <= 0) return Admission::kQueue;
  Counts* c = Find(UrlTemplate(r.url));
  if (c == nullptr) return Admission::kTrap;
  if (Count(*c, r.priority > 0)) return Admission::kQueue;
  // Room to wait: what the template may still earn, and the site's cap.
  const bool room =
      c->spent + static_cast<int>(c->waiting.size()) < earn_cap() &&
      waiting_ < kMaxWaiting;
  if (!room) {
    if (c->waiting.empty() || c->waiting.rbegin()->first >= r.priority) {
      return Admission::kTrap;
    }
    auto last = std::prev(c->waiting.end());  // the lowest, found last
    displaced->push_back(std::move(last->second));
    c->waiting.erase(last);
    --waiting_;
  }
  c->waiting.emplace(r.priority, r);
  ++waiting_;
  return Admission::kWait;
}

std::vector<Request> TemplateBudget::Fetched(std::string_view url,
                                             uint64_t fingerprint) {
  std::vector<Request> in;
  if (max_per_template_ <= 0) return in;
  auto it = counts_.find(UrlTemplate(url));
  if (it == counts_.end()) return in;
  Counts& c = it->second;
  if (Earned(c) >= earn_cap() || !c.seen.insert(fingerprint).second) {
    return in;
  }
  ++c.texts;
  if (Earned(c) >= earn_cap()) c.seen = {};  // it earns no more
  while (c.spent < Earned(c) && !c.waiting.empty()) {
    in.push_back(std::move(c.waiting.begin()->second));
    c.waiting.erase(c.waiting.begin());
    --waiting_;
    ++c.spent;
  }
  return in;
}

std::vector<Request> TemplateBudget::TakeWaiting() {
  std::vector<Request> all;
  all.reserve(waiting_);
  for (auto& [shape, c] : counts_) {
    for (auto& [priority, r] : c.waiting) all.push_back(std::move(r));
    c.waiting.clear();
  }
  waiting_ = 0;
  return all;
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
