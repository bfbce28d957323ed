// Site chrome for dating (see site_chrome.h).
#include "rules/site_chrome.h"

#include <functional>
#include <utility>

namespace oitwatch {

LineKey KeyOfLine(std::string_view line) {
  const LineKey key = std::hash<std::string_view>{}(line);
  return key == 0 ? 1 : key;
}

// NormalizeThaiLines puts the lines together with one space between them,
// or none between two Thai letters; a line never starts with a space. So
// each line starts where the one before ended, or one byte later at a
// space. The walk stops after the last mention (a page's dates are read
// from its first 64 KiB only) or where the text is not the lines any more.
std::vector<LineKey> MentionLineKeys(const std::vector<std::string>& lines,
                                     std::string_view joined,
                                     const std::vector<DateMention>& mentions) {
  std::vector<LineKey> keys(mentions.size(), 0);
  size_t pos = 0, m = 0;
  for (size_t i = 0; i < lines.size() && m < mentions.size(); ++i) {
    const std::string& line = lines[i];
    if (i > 0 && pos < joined.size() && joined[pos] == ' ') ++pos;
    if (joined.compare(pos, line.size(), line) != 0) break;
    const size_t end = pos + line.size();
    LineKey key = 0;
    for (; m < mentions.size() && mentions[m].offset < end; ++m) {
      const DateMention& d = mentions[m];
      if (d.offset < pos || d.offset + d.text.size() > end) continue;
      if (key == 0) key = KeyOfLine(line);
      keys[m] = key;
    }
    pos = end;
  }
  return keys;
}

bool SiteChrome::IsChrome(LineKey key) const {
  if (key == 0) return false;
  return start_.count(key) > 0;
}

void SiteChrome::AddPage(const std::vector<LineKey>& keys, bool start_page) {
  if (!start_page) return;
  for (LineKey key : keys) {
    if (key != 0) start_.insert(key);
  }
}

void TakeChromeMentions(const SiteChrome& site,
                        const std::vector<LineKey>& keys,
                        std::vector<DateMention>* mentions,
                        std::vector<DateMention>* chrome) {
  std::vector<DateMention>& all = *mentions;
  size_t kept = 0;
  for (size_t i = 0; i < all.size(); ++i) {
    if (i < keys.size() && site.IsChrome(keys[i])) {
      chrome->push_back(std::move(all[i]));
    } else {
      if (kept != i) all[kept] = std::move(all[i]);
      ++kept;
    }
  }
  all.resize(kept);
}

}  // namespace oitwatch
