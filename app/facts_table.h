// What the pipeline keeps of a site until the site is judged (the
// Pipeline::SiteState of pipeline.h), in compact form: the facts of every URL
// seen, the rule hits, the hit keys and hit URLs taken, and the links already
// read. A 2,000-page site names ~10,000 URLs and ~30,000 distinct links, each
// once per structure; as std::strings in std::maps they held 4 MB a site, all
// of it alive at once for the sites crawled together. Here every string is
// stored once per site (SitePools) and the structures hold ids.
//
// Each container keeps the interface of the standard container it replaces
// (try_emplace / operator[], insert / count, emplace, push_back), so the
// pipeline's readers are unchanged. FactsTable hands out full UrlFacts that
// stay "open" (changeable, references valid) until Seal() packs them: the
// pipeline seals after each response. Get and Unpack give copies back.
//
// Not copyable or movable (each container points at its site's pools).
// Not thread-safe.
#ifndef OITWATCH_APP_FACTS_TABLE_H_
#define OITWATCH_APP_FACTS_TABLE_H_

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "app/string_pool.h"
#include "rules/evidence.h"

namespace oitwatch {

// A site's strings: URLs (and the pages hits were found on) apart, so a URL's
// id indexes FactsTable's facts densely.
struct SitePools {
  StringPool urls;
  StringPool texts;
};

// What insert and emplace return: `second` is true if the value was new (as
// for std::set::insert).
struct Inserted {
  bool second = false;
};

class FactsTable {
 public:
  using Open = std::unordered_map<uint32_t, UrlFacts>;  // by URL id

  explicit FactsTable(SitePools* pools) : pools_(pools) {}
  FactsTable(const FactsTable&) = delete;
  FactsTable& operator=(const FactsTable&) = delete;

  // `url`'s facts, open until Seal; `second` is true if the URL is new (its
  // facts are then default values).
  std::pair<Open::iterator, bool> try_emplace(const std::string& url);
  UrlFacts& operator[](const std::string& url) {
    return try_emplace(url).first->second;
  }
  // Packs every open entry: references handed out before are then invalid.
  void Seal();
  // Copies `url`'s facts into *out; false if the URL was never seen.
  bool Get(std::string_view url, UrlFacts* out) const;
  // URLs seen that are HTML pages fetched with content (kPage, ok).
  size_t OkPages() const;

 private:
  struct PackedDate {  // a DateFact; strings by id
    uint32_t source, text, url;
    int32_t fiscal_year, year_be, month, day;
    Field field;
    bool fiscal_marker;
  };
  struct Packed {  // a UrlFacts; strings by id
    uint32_t url = StringPool::kNone, found_on = 0, outcome = 0, error = 0,
             last_modified = 0;
    int32_t http_status = 0;
    UrlKind kind = UrlKind::kPage;
    bool seen = false, fetched = false, ok = false, placeholder = false,
         needs_review = false, unreadable = false;
    std::vector<PackedDate> dates;
  };

  void Pack(const UrlFacts& f, Packed* p);
  void Unpack(const Packed& p, UrlFacts* f) const;

  SitePools* pools_;
  std::vector<Packed> packed_;  // by URL id
  Open open_;
};

// A site's hits in the order they were found.
class HitList {
 public:
  explicit HitList(SitePools* pools) : pools_(pools) {}
  HitList(const HitList&) = delete;
  HitList& operator=(const HitList&) = delete;

  void push_back(const Hit& hit);
  size_t size() const { return hits_.size(); }
  // REQUIRES: i < size().
  std::string_view item_id(size_t i) const;
  bool excluded(size_t i) const { return hits_[i].excluded; }
  // Every hit, in order.
  std::vector<Hit> Unpack() const;

 private:
  struct Packed {
    uint32_t item, component, url, found_on, matched;
    int32_t pattern_line;
    Field field;
    bool excluded;
  };
  SitePools* pools_;
  std::vector<Packed> hits_;
};

// The pipeline's hit keys: URL + "\n" + item + "\n" + component + "\n" +
// field. Any string is taken: it is split at its last three '\n', which
// names every string by a different id tuple.
class HitKeySet {
 public:
  explicit HitKeySet(SitePools* pools) : pools_(pools) {}
  HitKeySet(const HitKeySet&) = delete;
  HitKeySet& operator=(const HitKeySet&) = delete;

  Inserted insert(const std::string& key);

 private:
  struct Key {
    uint32_t url, item, component, field;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    size_t operator()(const Key& k) const;
  };
  SitePools* pools_;
  std::unordered_set<Key, KeyHash> keys_;
};

// A set of URLs (the pipeline's URLs with a hit).
class UrlSet {
 public:
  explicit UrlSet(SitePools* pools) : pools_(pools) {}
  UrlSet(const UrlSet&) = delete;
  UrlSet& operator=(const UrlSet&) = delete;

  Inserted insert(const std::string& url);
  size_t count(const std::string& url) const;

 private:
  SitePools* pools_;
  std::vector<bool> in_;  // by URL id
};

// What the pipeline remembers of a link it read (ProcessLink).
struct LinkMemo {
  bool index = false;       // LooksLikeIndex(normalised text)
  bool pagination = false;  // LooksLikePagination(normalised text, url)
  bool document = false;    // LooksLikeDocument(url)
  // The least depth of a page it went out from as an outlink: a repeat
  // from a page no shallower tells the engine nothing new.
  int sent_depth = std::numeric_limits<int>::max();
};

// Links read, by URL + "\n" + anchor text (split at the first '\n': any
// string is taken, as in HitKeySet).
class LinkMemoMap {
 public:
  explicit LinkMemoMap(SitePools* pools) : pools_(pools) {}
  LinkMemoMap(const LinkMemoMap&) = delete;
  LinkMemoMap& operator=(const LinkMemoMap&) = delete;

  size_t count(const std::string& key) const;
  // The memo of `key`, null if the link was not read.
  const LinkMemo* find(const std::string& key) const;
  LinkMemo* find(const std::string& key) {
    return const_cast<LinkMemo*>(std::as_const(*this).find(key));
  }
  // find(url + "\n" + text), without building the key; with the strings'
  // StringPool::Hash if they are known.
  LinkMemo* find(std::string_view url, std::string_view text) {
    return find(url, StringPool::Hash(url), text, StringPool::Hash(text));
  }
  LinkMemo* find(std::string_view url, uint32_t url_hash,
                 std::string_view text, uint32_t text_hash);
  Inserted emplace(const std::string& key, const LinkMemo& memo);

 private:
  SitePools* pools_;
  std::unordered_map<uint64_t, LinkMemo> memos_;  // url id << 32 | text id
};

}  // namespace oitwatch

#endif  // OITWATCH_APP_FACTS_TABLE_H_
