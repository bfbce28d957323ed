#include "crawler/frontier.h"

#include <algorithm>

#include "crawler/url.h"

namespace oitwatch {

bool Frontier::Entry::operator<(const Entry& other) const {
  if (request.priority != other.request.priority) {
    return request.priority < other.request.priority;
  }
  return order > other.order;  // earlier first among equals
}

bool Frontier::WithinLimits(SiteState& site, const Request& request) {
  if (request.site_id.empty()) return true;  // robots.txt: host business
  if (request.depth > limits_.max_depth) return false;
  if (site.requests >= limits_.max_requests_per_site) return false;
  switch (request.kind) {
    case RequestKind::kPage:
      return site.pages < limits_.max_pages_per_site;
    case RequestKind::kDocument:
      return site.documents < limits_.max_documents_per_site;
    case RequestKind::kCheck:
      return site.checks < limits_.max_checks_per_site;
    case RequestKind::kRobots:
      return true;
  }
  return true;
}

void Frontier::Push(const Request& request) {
  HostState& host = hosts_[HostKey(request.url)];
  auto [it, inserted] = host.queues.try_emplace(request.site_id);
  if (inserted && !request.site_id.empty()) {
    host.order.push_back(request.site_id);
  }
  it->second.insert(Entry{request, order_++});
  ++host.queued;
  ++sites_[request.site_id].queued;
  ++queued_;
}

// Evicts the lowest-priority waiting request of `request`'s site on its host
// that is less urgent than `request` and frees the limit that is reached.
bool Frontier::MakeRoom(SiteState& site, const Request& request,
                        std::vector<Request>* evicted) {
  if (request.site_id.empty() || request.depth > limits_.max_depth) return false;
  HostState& host = hosts_[HostKey(request.url)];
  auto queue = host.queues.find(request.site_id);
  if (queue == host.queues.end()) return false;
  // Reached the limit of its kind: only a request of that kind frees it;
  // only the request budget: any kind does.
  const bool same_kind =
      (request.kind == RequestKind::kPage &&
       site.pages >= limits_.max_pages_per_site) ||
      (request.kind == RequestKind::kDocument &&
       site.documents >= limits_.max_documents_per_site) ||
      (request.kind == RequestKind::kCheck &&
       site.checks >= limits_.max_checks_per_site);
  for (auto it = queue->second.end(); it != queue->second.begin();) {
    --it;
    const Request& victim = it->request;
    if (victim.priority >= request.priority) return false;  // all others higher
    if (victim.attempt > 0 || (same_kind && victim.kind != request.kind)) continue;
    if (victim.kind == RequestKind::kPage) --site.pages;
    if (victim.kind == RequestKind::kDocument) --site.documents;
    if (victim.kind == RequestKind::kCheck) --site.checks;
    --site.requests;
    --site.queued;
    ++site.skipped;
    --host.queued;
    --queued_;
    site.seen.erase(victim.url);  // a better link may bring it back
    if (evicted != nullptr) evicted->push_back(victim);
    queue->second.erase(it);
    return WithinLimits(site, request);
  }
  return false;
}

bool Frontier::Add(const Request& request, std::vector<Request>* evicted) {
  SiteState& site = sites_[request.site_id];
  if (!site.seen.insert(request.url).second) return false;
  if (!WithinLimits(site, request) && !MakeRoom(site, request, evicted)) {
    ++site.skipped;
    site.seen.erase(request.url);  // a better link may bring it back
    return false;
  }
  if (request.kind == RequestKind::kPage) ++site.pages;
  if (request.kind == RequestKind::kDocument) ++site.documents;
  if (request.kind == RequestKind::kCheck) ++site.checks;
  ++site.requests;
  Push(request);
  return true;
}

bool Frontier::Retry(const Request& request) {
  SiteState& site = sites_[request.site_id];
  if (!request.site_id.empty() &&
      site.requests >= limits_.max_requests_per_site) {
    ++site.skipped;
    return false;
  }
  ++site.requests;
  Push(request);
  return true;
}

bool Frontier::Held(const std::string& site_id, const Request& next) const {
  if (next.kind != RequestKind::kPage) return false;
  auto it = sites_.find(site_id);
  if (it == sites_.end()) return false;
  const SiteState& site = it->second;
  return site.pages >= limits_.max_pages_per_site &&
         !site.pages_in_flight.empty() &&
         next.priority < *site.pages_in_flight.rbegin();
}

std::optional<Request> Frontier::PopFrom(HostState& host) {
  auto robots = host.queues.find("");
  if (robots != host.queues.end() && !robots->second.empty()) {
    Request r = robots->second.begin()->request;
    robots->second.erase(robots->second.begin());
    return r;
  }
  for (size_t tried = 0; tried < host.order.size(); ++tried) {
    const std::string& site_id = host.order[host.next_site % host.order.size()];
    host.next_site = (host.next_site + 1) % host.order.size();
    Queue& queue = host.queues[site_id];
    if (queue.empty() || Held(site_id, queue.begin()->request)) continue;
    Request r = queue.begin()->request;
    queue.erase(queue.begin());
    return r;
  }
  return std::nullopt;
}

std::optional<Request> Frontier::Next(TimePoint now) {
  for (auto& [key, host] : hosts_) {
    if (host.queued == 0 || host.active >= limits_.host_connections) continue;
    if (host.next_start > now) continue;
    std::optional<Request> r = PopFrom(host);
    if (!r) continue;
    --host.queued;
    SiteState& site = sites_[r->site_id];
    --site.queued;
    if (r->kind == RequestKind::kPage) site.pages_in_flight.insert(r->priority);
    --queued_;
    ++host.active;
    return r;
  }
  return std::nullopt;
}

void Frontier::Done(const Request& request, TimePoint now,
                    std::chrono::milliseconds extra_delay) {
  HostState& host = hosts_[HostKey(request.url)];
  if (host.active > 0) --host.active;
  if (request.kind == RequestKind::kPage) {
    std::multiset<int>& flying = sites_[request.site_id].pages_in_flight;
    auto it = flying.find(request.priority);
    if (it != flying.end()) flying.erase(it);
  }
  std::chrono::milliseconds gap =
      std::max({limits_.host_delay, host.delay, extra_delay});
  host.next_start = std::max(host.next_start, now + gap);
}

void Frontier::SetHostDelay(const std::string& host,
                            std::chrono::milliseconds delay) {
  hosts_[host].delay = delay;
}

std::optional<TimePoint> Frontier::NextReadyTime() const {
  std::optional<TimePoint> best;
  for (const auto& [key, host] : hosts_) {
    if (host.queued == 0 || host.active >= limits_.host_connections) continue;
    if (!best || host.next_start < *best) best = host.next_start;
  }
  return best;
}

int Frontier::Drop(HostState& host, const std::string& site_id) {
  auto it = host.queues.find(site_id);
  if (it == host.queues.end()) return 0;
  int n = static_cast<int>(it->second.size());
  it->second = Queue();
  host.queued -= n;
  queued_ -= n;
  SiteState& site = sites_[site_id];
  site.queued -= n;
  site.skipped += n;
  return n;
}

int Frontier::DropSite(const std::string& site_id) {
  int n = 0;
  for (auto& [key, host] : hosts_) n += Drop(host, site_id);
  return n;
}

int Frontier::DropHost(const std::string& host_key) {
  auto it = hosts_.find(host_key);
  if (it == hosts_.end()) return 0;
  std::vector<std::string> ids;
  for (const auto& [site_id, queue] : it->second.queues) ids.push_back(site_id);
  int n = 0;
  for (const std::string& id : ids) n += Drop(it->second, id);
  return n;
}

size_t Frontier::queued_for_site(const std::string& site_id) const {
  auto it = sites_.find(site_id);
  return it == sites_.end() ? 0 : it->second.queued;
}

int Frontier::skipped(const std::string& site_id) const {
  auto it = sites_.find(site_id);
  return it == sites_.end() ? 0 : it->second.skipped;
}

bool Frontier::Seen(const std::string& site_id, const std::string& url) const {
  auto it = sites_.find(site_id);
  return it != sites_.end() && it->second.seen.count(url) > 0;
}

}  // namespace oitwatch
