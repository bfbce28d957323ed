#include "crawler/trap.h"

#include <algorithm>
#include <array>
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

// What a byte may begin, for PageTextFingerprint: a word (ASCII letters
// and digits; a Thai digit, U+0E50-0E59, is UTF-8 E0 B9 90-99 and begins
// with kLead), white space, markup, or other text.
enum ByteClass : uint8_t { kOther, kWord, kDigit, kSpace, kMarkup, kLead };

constexpr std::array<uint8_t, 256> MakeByteClasses() {
  std::array<uint8_t, 256> classes{};
  for (int c = 'a'; c <= 'z'; ++c) classes[c] = kWord;
  for (int c = 'A'; c <= 'Z'; ++c) classes[c] = kWord;
  for (int c = '0'; c <= '9'; ++c) classes[c] = kDigit;
  for (char c : {' ', '\t', '\n', '\r', '\f'})
    classes[static_cast<uint8_t>(c)] = kSpace;
  classes['<'] = kMarkup;
  classes[0xE0] = kLead;
  return classes;
}
constexpr std::array<uint8_t, 256> kByteClasses = MakeByteClasses();

// A Thai digit at s[i] (whose byte is 0xE0).
bool ThaiDigitAt(std::string_view s, size_t i) {
  return i + 2 < s.size() && s[i + 1] == '\xB9' && s[i + 2] >= '\x90' &&
         s[i + 2] <= '\x99';
}

// The class of s[i], kLead resolved to kDigit (a Thai digit, 3 bytes) or
// kOther.
ByteClass ClassAt(std::string_view s, size_t i) {
  const auto c =
      static_cast<ByteClass>(kByteClasses[static_cast<uint8_t>(s[i])]);
  if (c != kLead) return c;
  return ThaiDigitAt(s, i) ? kDigit : kOther;
}

bool IsWordByte(char c) {
  return kByteClasses[static_cast<uint8_t>(c)] == kWord ||
         kByteClasses[static_cast<uint8_t>(c)] == kDigit;
}

// Where `s` has "</name" in any case (`name` lower-case), from `from`;
// npos if nowhere.
size_t FindEndTag(std::string_view s, size_t from, std::string_view name) {
  for (size_t at = s.find("</", from); at != std::string_view::npos;
       at = s.find("</", at + 2)) {
    size_t k = 0;
    while (k < name.size() && at + 2 + k < s.size() &&
           std::tolower(static_cast<unsigned char>(s[at + 2 + k])) == name[k]) {
      ++k;
    }
    if (k == name.size()) return at;
  }
  return std::string_view::npos;
}

// The end of the markup (tag, comment, <script> or <style> element) that
// starts at s[at] == '<'; `at` itself if that '<' is text.
size_t SkipMarkup(std::string_view s, size_t at) {
  if (s.substr(at, 4) == "<!--") {
    const size_t end = s.find("-->", at + 4);
    return end == std::string_view::npos ? s.size() : end + 3;
  }
  const char next = at + 1 < s.size() ? s[at + 1] : ' ';
  if (!std::isalpha(static_cast<unsigned char>(next)) && next != '/' &&
      next != '!' && next != '?') {
    return at;
  }
  size_t from = at + 1;
  for (std::string_view raw : {"script", "style"}) {
    size_t k = 0;
    while (k < raw.size() && at + 1 + k < s.size() &&
           std::tolower(static_cast<unsigned char>(s[at + 1 + k])) == raw[k]) {
      ++k;
    }
    const char after = at + 1 + k < s.size() ? s[at + 1 + k] : ' ';
    if (k == raw.size() && !IsWordByte(after)) {
      from = FindEndTag(s, at + 1 + k, raw);
      if (from == std::string_view::npos) return s.size();
      break;
    }
  }
  const size_t end = s.find('>', from);
  return end == std::string_view::npos ? s.size() : end + 1;
}

// The normalised text, one token (a word, '#', a run of other characters)
// at a time: each token's hash mixed into the whole, a space between two
// tokens marked.
class TextHash {
 public:
  void Space() { space_ = any_; }
  void Token(std::string_view bytes) {
    if (space_) Mix(0x20);
    Mix(std::hash<std::string_view>{}(bytes));
    space_ = false;
    any_ = true;
  }
  uint64_t value() const { return hash_; }

 private:
  void Mix(uint64_t v) { hash_ = (hash_ ^ v) * 0x100000001b3ull; }
  uint64_t hash_ = 0xcbf29ce484222325ull;
  bool space_ = false;
  bool any_ = false;
};

// The end of the word at s[at]; `numeric` set if it holds a digit.
size_t EndOfWord(std::string_view s, size_t at, bool* numeric) {
  *numeric = false;
  for (ByteClass c;
       at < s.size() && ((c = ClassAt(s, at)) == kWord || c == kDigit);) {
    const bool thai = s[at] == '\xE0';
    *numeric = *numeric || c == kDigit;
    at += thai ? 3 : 1;
  }
  return at;
}

// The end of the run of other text (Thai letters, punctuation) at s[at].
size_t EndOfOther(std::string_view s, size_t at) {
  at = std::min(at + (s[at] == '\xE0' ? 3 : 1), s.size());
  while (at < s.size()) {
    const uint8_t c = kByteClasses[static_cast<uint8_t>(s[at])];
    if (c == kOther) {
      ++at;
    } else if (c == kLead && !ThaiDigitAt(s, at)) {
      at = std::min(at + 3, s.size());  // a Thai letter, whole
    } else {
      break;
    }
  }
  return at;
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

uint64_t PageTextFingerprint(std::string_view html) {
  constexpr size_t kMaxScan = 512 * 1024;
  const std::string_view s = html.substr(0, kMaxScan);
  TextHash text;
  for (size_t i = 0; i < s.size();) {
    const ByteClass c = ClassAt(s, i);
    const size_t markup = c == kMarkup ? SkipMarkup(s, i) : i;
    if (markup != i || c == kSpace) {  // markup separates words as space does
      text.Space();
      i = std::max(markup, i + 1);
    } else if (c == kWord || c == kDigit) {
      bool numeric = false;
      const size_t end = EndOfWord(s, i, &numeric);
      text.Token(numeric ? "#" : s.substr(i, end - i));
      i = end;
    } else {
      const size_t end = EndOfOther(s, i);
      text.Token(s.substr(i, end - i));
      i = end;
    }
  }
  return text.value();
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
