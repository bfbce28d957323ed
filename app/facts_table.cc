#include "app/facts_table.h"

namespace oitwatch {

std::pair<FactsTable::Open::iterator, bool> FactsTable::try_emplace(
    const std::string& url) {
  const uint32_t id = pools_->urls.Intern(url);
  if (id >= packed_.size()) packed_.resize(id + 1);
  auto [it, opened] = open_.try_emplace(id);
  Packed& p = packed_[id];
  if (!opened) return {it, false};
  if (p.seen) {
    Unpack(p, &it->second);
    return {it, false};
  }
  p.seen = true;
  return {it, true};
}

void FactsTable::Seal() {
  for (auto& [id, facts] : open_) Pack(facts, &packed_[id]);
  open_.clear();
}

bool FactsTable::Get(std::string_view url, UrlFacts* out) const {
  const uint32_t id = pools_->urls.Find(url);
  if (id == StringPool::kNone || id >= packed_.size() || !packed_[id].seen) {
    return false;
  }
  auto open = open_.find(id);
  if (open != open_.end()) {
    *out = open->second;
  } else {
    Unpack(packed_[id], out);
  }
  return true;
}

size_t FactsTable::OkPages() const {
  size_t n = 0;
  for (size_t id = 0; id < packed_.size(); ++id) {
    auto open = open_.find(static_cast<uint32_t>(id));
    if (open != open_.end()) {
      n += open->second.kind == UrlKind::kPage && open->second.ok;
    } else {
      const Packed& p = packed_[id];
      n += p.seen && p.kind == UrlKind::kPage && p.ok;
    }
  }
  return n;
}

void FactsTable::Pack(const UrlFacts& f, Packed* p) {
  StringPool& urls = pools_->urls;
  StringPool& texts = pools_->texts;
  p->url = urls.Intern(f.url);
  p->found_on = urls.Intern(f.found_on);
  p->outcome = texts.Intern(f.outcome);
  p->error = texts.Intern(f.error);
  p->last_modified = texts.Intern(f.last_modified);
  p->http_status = f.http_status;
  p->kind = f.kind;
  p->fetched = f.fetched;
  p->ok = f.ok;
  p->placeholder = f.placeholder;
  p->needs_review = f.needs_review;
  p->unreadable = f.unreadable;
  std::vector<PackedDate> dates;  // exact capacity
  dates.reserve(f.dates.size());
  for (const DateFact& d : f.dates) {
    dates.push_back(PackedDate{texts.Intern(d.source), texts.Intern(d.text),
                               urls.Intern(d.url), d.fiscal_year, d.year_be,
                               d.month, d.day, d.field, d.fiscal_marker});
  }
  p->dates = std::move(dates);
}

void FactsTable::Unpack(const Packed& p, UrlFacts* f) const {
  const StringPool& urls = pools_->urls;
  const StringPool& texts = pools_->texts;
  f->url = urls.Get(p.url);
  f->found_on = urls.Get(p.found_on);
  f->outcome = texts.Get(p.outcome);
  f->error = texts.Get(p.error);
  f->last_modified = texts.Get(p.last_modified);
  f->http_status = p.http_status;
  f->kind = p.kind;
  f->fetched = p.fetched;
  f->ok = p.ok;
  f->placeholder = p.placeholder;
  f->needs_review = p.needs_review;
  f->unreadable = p.unreadable;
  f->dates.clear();
  f->dates.reserve(p.dates.size());
  for (const PackedDate& d : p.dates) {
    f->dates.push_back(DateFact{d.field, std::string(texts.Get(d.source)),
                                d.fiscal_year, d.year_be, d.month, d.day,
                                d.fiscal_marker, std::string(texts.Get(d.text)),
                                std::string(urls.Get(d.url))});
  }
}

void HitList::push_back(const Hit& hit) {
  StringPool& texts = pools_->texts;
  hits_.push_back(Packed{texts.Intern(hit.item_id),
                         texts.Intern(hit.component_id),
                         pools_->urls.Intern(hit.url),
                         pools_->urls.Intern(hit.found_on),
                         texts.Intern(hit.matched), hit.pattern_line,
                         hit.field, hit.excluded});
}

std::string_view HitList::item_id(size_t i) const {
  return pools_->texts.Get(hits_[i].item);
}

std::vector<Hit> HitList::Unpack() const {
  const StringPool& urls = pools_->urls;
  const StringPool& texts = pools_->texts;
  std::vector<Hit> out;
  out.reserve(hits_.size());
  for (const Packed& h : hits_) {
    out.push_back(Hit{std::string(texts.Get(h.item)),
                      std::string(texts.Get(h.component)),
                      std::string(urls.Get(h.url)),
                      std::string(urls.Get(h.found_on)), h.field,
                      std::string(texts.Get(h.matched)), h.pattern_line,
                      h.excluded});
  }
  return out;
}

size_t HitKeySet::KeyHash::operator()(const Key& k) const {
  uint64_t h = (uint64_t{k.url} << 32 | k.item) * 0x9E3779B97F4A7C15ull;
  h ^= (uint64_t{k.component} << 32 | k.field) * 0xC2B2AE3D27D4EB4Full;
  return static_cast<size_t>(h ^ (h >> 29));
}

Inserted HitKeySet::insert(const std::string& key) {
  std::string_view rest = key;
  uint32_t parts[3] = {StringPool::kNone, StringPool::kNone, StringPool::kNone};
  for (int i = 2; i >= 0; --i) {  // field, component, item
    const size_t cut = rest.rfind('\n');
    if (cut == std::string_view::npos) break;
    parts[i] = pools_->texts.Intern(rest.substr(cut + 1));
    rest = rest.substr(0, cut);
  }
  const Key k{pools_->urls.Intern(rest), parts[0], parts[1], parts[2]};
  return Inserted{keys_.insert(k).second};
}

Inserted UrlSet::insert(const std::string& url) {
  const uint32_t id = pools_->urls.Intern(url);
  if (id >= in_.size()) in_.resize(id + 1);
  const bool added = !in_[id];
  in_[id] = true;
  return Inserted{added};
}

size_t UrlSet::count(const std::string& url) const {
  const uint32_t id = pools_->urls.Find(url);
  return id != StringPool::kNone && id < in_.size() && in_[id] ? 1 : 0;
}

namespace {

// (URL, text) of a link key: split at the first '\n'.
std::pair<std::string_view, std::string_view> SplitLinkKey(
    std::string_view key, bool* has_text) {
  const size_t cut = key.find('\n');
  *has_text = cut != std::string_view::npos;
  if (!*has_text) return {key, {}};
  return {key.substr(0, cut), key.substr(cut + 1)};
}

uint64_t LinkId(uint32_t url, uint32_t text) {
  return uint64_t{url} << 32 | text;
}

}  // namespace

size_t LinkMemoMap::count(const std::string& key) const {
  return find(key) != nullptr ? 1 : 0;
}

const LinkMemo* LinkMemoMap::find(const std::string& key) const {
  bool has_text = false;
  auto [url, text] = SplitLinkKey(key, &has_text);
  const uint32_t url_id = pools_->urls.Find(url);
  const uint32_t text_id =
      has_text ? pools_->texts.Find(text) : StringPool::kNone;
  if (url_id == StringPool::kNone || (has_text && text_id == StringPool::kNone))
    return nullptr;
  auto it = memos_.find(LinkId(url_id, text_id));
  return it == memos_.end() ? nullptr : &it->second;
}

LinkMemo* LinkMemoMap::find(std::string_view url, uint32_t url_hash,
                            std::string_view text, uint32_t text_hash) {
  if (url.find('\n') != std::string_view::npos) {  // split elsewhere: as keyed
    std::string key(url);
    key.append("\n").append(text);
    return find(key);
  }
  const uint32_t url_id = pools_->urls.Find(url, url_hash);
  if (url_id == StringPool::kNone) return nullptr;
  const uint32_t text_id = pools_->texts.Find(text, text_hash);
  if (text_id == StringPool::kNone) return nullptr;
  auto it = memos_.find(LinkId(url_id, text_id));
  return it == memos_.end() ? nullptr : &it->second;
}

Inserted LinkMemoMap::emplace(const std::string& key, const LinkMemo& memo) {
  bool has_text = false;
  auto [url, text] = SplitLinkKey(key, &has_text);
  const uint32_t text_id =
      has_text ? pools_->texts.Intern(text) : StringPool::kNone;
  const uint64_t id = LinkId(pools_->urls.Intern(url), text_id);
  return Inserted{memos_.emplace(id, memo).second};
}

}  // namespace oitwatch
