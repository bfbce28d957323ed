// Alert decisions and delivery (messages: alert_message.cc). The only
// reports/ file that talks to libcurl (STYLE rule 7).
#include "reports/alert.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string_view>

#include "crawler/fetcher.h"
#include "reports/escape.h"

namespace oitwatch {
namespace {

using Json = nlohmann::json;

constexpr int64_t kBangkokOffset = 7 * 3600;
constexpr int64_t kDay = 86400;

std::string Fingerprint(const std::string& site, const std::string& item,
                        AlertKind kind, const std::string& url,
                        const std::string& status) {
  return site + "|" + item + "|" + AlertKindName(kind) + "|" + url + "|" +
         status;
}

// The URL the problem is about: the first broken evidence for kBroken, else
// the first evidence.
std::string EvidenceUrl(const ItemVerdict& v) {
  for (const EvidenceRef& e : v.evidence) {
    if (v.status == ItemStatus::kBroken && e.state == "broken") return e.url;
  }
  return v.evidence.empty() ? "" : v.evidence.front().url;
}

AlertEvent SiteEvent(const SiteAlertInput& in, AlertKind kind) {
  AlertEvent e;
  e.kind = kind;
  e.site_id = in.site_id;
  e.site_name = in.site_name;
  e.site_url = in.site_url;
  e.run_id = in.run_id;
  e.as_of = in.as_of;
  return e;
}

const AlertStateRow* FindOpen(const SiteAlertInput& in,
                              const std::string& item) {
  for (const AlertStateRow& row : in.open) {
    if (row.item_id == item) return &row;
  }
  return nullptr;
}

bool Due(const AlertStateRow* open, const std::string& fingerprint,
         const AlertPolicy& policy, std::time_t now) {
  return !open || open->fingerprint != fingerprint ||
         now - open->notified_at >= int64_t{policy.renotify_days} * kDay;
}

void Notify(const SiteAlertInput& in, AlertEvent e, const AlertStateRow* open,
            std::time_t now, AlertDecision* out) {
  out->upserts.push_back({in.site_id, e.item_id, AlertKindName(e.kind),
                          e.fingerprint, open ? open->first_run : in.run_id,
                          static_cast<int64_t>(now)});
  out->events.push_back(std::move(e));
}

void DecideUnreachable(const SiteAlertInput& in, const AlertPolicy& policy,
                       std::time_t now, AlertDecision* out) {
  if (in.unchecked_nights < policy.unreachable_nights) return;
  AlertEvent e = SiteEvent(in, AlertKind::kUnreachable);
  // No before/after: those are item statuses, and the site's state before
  // the streak may be unknown (the mail read "status: ? -> unchecked").
  const std::string n = std::to_string(in.unchecked_nights);
  e.reason = "ตรวจไม่ได้ติดต่อกัน " + n + " ครั้ง (unchecked " + n +
             " runs in a row)";
  if (!in.current.empty()) e.reason += ": " + in.current.front().reason;
  e.fingerprint =
      Fingerprint(in.site_id, "", AlertKind::kUnreachable, "", "unchecked");
  const AlertStateRow* open = FindOpen(in, "");
  if (Due(open, e.fingerprint, policy, now)) Notify(in, e, open, now, out);
}

void DecideItem(const SiteAlertInput& in, const ItemVerdict& cur,
                const ItemVerdict* prev, const AlertPolicy& policy,
                std::time_t now, AlertDecision* out) {
  const AlertStateRow* open = FindOpen(in, cur.item_id);
  AlertEvent e = SiteEvent(in, AlertKind::kLost);
  e.item_id = cur.item_id;
  e.item_title = cur.title;
  e.before = prev ? ItemStatusName(prev->status) : "";
  e.after = ItemStatusName(cur.status);
  e.reason = cur.reason;
  e.evidence_url = EvidenceUrl(cur);
  if (cur.status == ItemStatus::kPass) {
    if (!open) return;
    out->closed_items.push_back(cur.item_id);
    e.kind = AlertKind::kRecovered;
    if (policy.recovered) out->events.push_back(std::move(e));
    return;
  }
  const bool broken = cur.status == ItemStatus::kBroken;
  const bool starts =
      prev && (prev->status == ItemStatus::kPass ||
               (broken && prev->status != ItemStatus::kBroken &&
                prev->status != ItemStatus::kUnchecked));
  if (!open && !starts) return;
  e.kind = broken ? AlertKind::kBroken : AlertKind::kLost;
  e.fingerprint =
      Fingerprint(in.site_id, cur.item_id, e.kind, e.evidence_url, e.after);
  if (Due(open, e.fingerprint, policy, now)) Notify(in, e, open, now, out);
}

}  // namespace

const char* AlertKindName(AlertKind kind) {
  switch (kind) {
    case AlertKind::kLost: return "lost";
    case AlertKind::kBroken: return "broken";
    case AlertKind::kRecovered: return "recovered";
    case AlertKind::kUnreachable: return "unreachable";
    case AlertKind::kReachable: return "reachable";
  }
  return "lost";
}

AlertDecision DecideAlerts(const SiteAlertInput& in, const AlertPolicy& policy,
                           std::time_t now) {
  AlertDecision out;
  if (!in.checked) {
    DecideUnreachable(in, policy, now, &out);
    return out;  // item problems stand until the site can be checked
  }
  if (FindOpen(in, "")) {
    out.closed_items.push_back("");
    if (policy.recovered) {
      out.events.push_back(SiteEvent(in, AlertKind::kReachable));
    }
  }
  std::map<std::string, const ItemVerdict*> previous;
  for (const ItemVerdict& v : in.previous) previous[v.item_id] = &v;
  for (const ItemVerdict& cur : in.current) {
    if (cur.status == ItemStatus::kUnchecked) continue;
    auto prev = previous.find(cur.item_id);
    DecideItem(in, cur, prev == previous.end() ? nullptr : prev->second,
               policy, now, &out);
  }
  return out;
}

bool ParseDigestPeriod(const std::string& name, DigestPeriod* period) {
  if (name == "none") *period = DigestPeriod::kNone;
  else if (name == "daily") *period = DigestPeriod::kDaily;
  else if (name == "weekly") *period = DigestPeriod::kWeekly;
  else return false;
  return true;
}

void DigestWindow(DigestPeriod period, std::time_t now, std::string* key,
                  int64_t* send_after) {
  if (period == DigestPeriod::kNone) {
    key->clear();
    *send_after = now;
    return;
  }
  int64_t day = (int64_t{now} + kBangkokOffset) / kDay;  // Bangkok day number
  int64_t first = day, days = 1;
  if (period == DigestPeriod::kWeekly) {
    first = day - (day + 3) % 7;  // 1970-01-01 was a Thursday; weeks start Mon
    days = 7;
  }
  std::time_t start = static_cast<std::time_t>(first * kDay);
  std::tm tm{};
  gmtime_r(&start, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  *key = std::string(period == DigestPeriod::kDaily ? "daily:" : "weekly:") + buf;
  *send_after = (first + days) * kDay - kBangkokOffset;
}

std::string EventsToJson(const std::vector<AlertEvent>& events) {
  Json list = Json::array();
  for (const AlertEvent& e : events) {
    list.push_back({{"event", AlertKindName(e.kind)}, {"site_id", e.site_id},
                    {"site_name", e.site_name}, {"site_url", e.site_url},
                    {"item_id", e.item_id}, {"item_title", e.item_title},
                    {"before", e.before}, {"after", e.after},
                    {"evidence_url", e.evidence_url}, {"reason", e.reason},
                    {"run_id", e.run_id}, {"as_of", e.as_of},
                    {"fingerprint", e.fingerprint}});
  }
  return list.dump(-1, ' ', false, Json::error_handler_t::replace);
}

bool EventsFromJson(const std::string& json, std::vector<AlertEvent>* events,
                    std::string* err) {
  events->clear();
  Json list = Json::parse(json, nullptr, false);
  if (list.is_discarded() || !list.is_array()) {
    *err = "events: not a JSON array";
    return false;
  }
  static const std::map<std::string, AlertKind> kKinds = {
      {"lost", AlertKind::kLost}, {"broken", AlertKind::kBroken},
      {"recovered", AlertKind::kRecovered},
      {"unreachable", AlertKind::kUnreachable},
      {"reachable", AlertKind::kReachable}};
  for (const Json& j : list) {
    auto kind = kKinds.find(j.value("event", ""));
    if (!j.is_object() || kind == kKinds.end()) {
      *err = "events: unknown event " + j.dump();
      return false;
    }
    AlertEvent e;
    e.kind = kind->second;
    e.site_id = j.value("site_id", ""), e.site_name = j.value("site_name", "");
    e.site_url = j.value("site_url", ""), e.item_id = j.value("item_id", "");
    e.item_title = j.value("item_title", ""), e.before = j.value("before", "");
    e.after = j.value("after", "");
    e.evidence_url = j.value("evidence_url", "");
    e.reason = j.value("reason", ""), e.run_id = j.value("run_id", int64_t{0});
    e.as_of = j.value("as_of", ""), e.fingerprint = j.value("fingerprint", "");
    events->push_back(std::move(e));
  }
  return true;
}

namespace {

struct EasyDeleter {
  void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};
struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using EasyHandle = std::unique_ptr<CURL, EasyDeleter>;
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

struct Upload {
  const std::string* data;
  size_t offset = 0;
};

size_t ReadUpload(char* buffer, size_t size, size_t count, void* user) {
  auto* up = static_cast<Upload*>(user);
  size_t n = std::min(size * count, up->data->size() - up->offset);
  std::memcpy(buffer, up->data->data() + up->offset, n);
  up->offset += n;
  return n;
}

// Progress callback: aborts once the send has taken longer than its
// timeout. libcurl calls it at least once a second inside its blocking SMTP
// waits, the QUIT it sends when it drops a failed connection included,
// which only CURLOPT_SERVER_RESPONSE_TIMEOUT bounds otherwise.
using Deadline = std::chrono::steady_clock::time_point;
int PastDeadline(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto* deadline = static_cast<const Deadline*>(user);
  return std::chrono::steady_clock::now() > *deadline ? 1 : 0;
}

struct Response {
  std::string body;
  size_t cap = 0;
  bool too_large = false;
  std::vector<std::string> allow;
  bool refused = false;
};

size_t WriteCapped(char* data, size_t size, size_t count, void* user) {
  auto* r = static_cast<Response*>(user);
  if (r->body.size() + size * count > r->cap) {
    r->too_large = true;
    return 0;
  }
  r->body.append(data, size * count);
  return size * count;
}

// An allow-list entry: an exact IP, or an IPv4 CIDR a.b.c.d/n.
bool AllowedIp(const std::vector<std::string>& allow, const std::string& ip) {
  for (const std::string& entry : allow) {
    if (entry == ip) return true;
    size_t slash = entry.find('/');
    in_addr net{}, addr{};
    if (slash == std::string::npos ||
        inet_pton(AF_INET, entry.substr(0, slash).c_str(), &net) != 1 ||
        inet_pton(AF_INET, ip.c_str(), &addr) != 1) {
      continue;
    }
    int bits = std::atoi(entry.c_str() + slash + 1);
    uint32_t mask = bits <= 0 ? 0 : bits >= 32 ? ~0u : ~0u << (32 - bits);
    if ((ntohl(net.s_addr) & mask) == (ntohl(addr.s_addr) & mask)) return true;
  }
  return false;
}

// The crawler's SSRF rule, for webhook connections.
curl_socket_t OpenGuarded(void* user, curlsocktype purpose,
                          curl_sockaddr* address) {
  auto* r = static_cast<Response*>(user);
  char ip[INET6_ADDRSTRLEN] = {0};
  const sockaddr* sa = &address->addr;
  bool known = purpose == CURLSOCKTYPE_IPCXN &&
               ((sa->sa_family == AF_INET &&
                 inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr,
                           ip, sizeof ip)) ||
                (sa->sa_family == AF_INET6 &&
                 inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr,
                           ip, sizeof ip)));
  if (!known || (IsNonPublicAddress(ip) && !AllowedIp(r->allow, ip))) {
    r->refused = true;
    return CURL_SOCKET_BAD;
  }
  return socket(address->family, address->socktype, address->protocol);
}

void CommonOptions(CURL* easy, long connect_ms, long total_ms, char* errbuf) {
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, total_ms);
}

std::string CurlError(CURLcode code, const char* errbuf) {
  return std::string(curl_easy_strerror(code)) +
         (errbuf[0] ? std::string(": ") + errbuf : "");
}

}  // namespace

bool SendEmail(const SmtpOptions& o, const std::string& to,
               const std::string& message, std::string* err) {
  if (!ValidateMailbox(o.from, err) || !ValidateMailbox(to, err)) return false;
  if (o.url.rfind("smtp://", 0) != 0 && o.url.rfind("smtps://", 0) != 0) {
    *err = "--smtp-url must start with smtp:// or smtps://";
    return false;
  }
  // Declared before the handle: its cleanup may still call PastDeadline.
  Deadline deadline = std::chrono::steady_clock::now() +
                      std::chrono::milliseconds(o.timeout_ms);
  EasyHandle easy(curl_easy_init());
  char errbuf[CURL_ERROR_SIZE] = {0};
  CommonOptions(easy.get(), o.connect_timeout_ms, o.timeout_ms, errbuf);
  curl_easy_setopt(easy.get(), CURLOPT_URL, o.url.c_str());
  curl_easy_setopt(easy.get(), CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(easy.get(), CURLOPT_USE_SSL,
                   o.tls == "none" ? CURLUSESSL_NONE
                   : o.tls == "try" ? CURLUSESSL_TRY
                                    : CURLUSESSL_ALL);
  if (!o.user.empty()) {
    curl_easy_setopt(easy.get(), CURLOPT_USERNAME, o.user.c_str());
    curl_easy_setopt(easy.get(), CURLOPT_PASSWORD, o.password.c_str());
  }
  std::string from = "<" + o.from + ">", rcpt = "<" + to + ">";
  curl_easy_setopt(easy.get(), CURLOPT_MAIL_FROM, from.c_str());
  Slist rcpts(curl_slist_append(nullptr, rcpt.c_str()));
  curl_easy_setopt(easy.get(), CURLOPT_MAIL_RCPT, rcpts.get());
  Upload upload{&message};
  curl_easy_setopt(easy.get(), CURLOPT_READFUNCTION, &ReadUpload);
  curl_easy_setopt(easy.get(), CURLOPT_READDATA, &upload);
  curl_easy_setopt(easy.get(), CURLOPT_UPLOAD, 1L);
  // libcurl waits for each SMTP reply (the one to the final "." and to QUIT
  // too) up to its own server-response timeout, 120 s by default, not
  // CURLOPT_TIMEOUT: bound each wait by ours (whole seconds: curl 7.88 has
  // no _MS form), and the whole send by the deadline. Without FORBID_REUSE
  // the QUIT of a failed send waited in curl_easy_cleanup, where no
  // progress callback runs.
  curl_easy_setopt(easy.get(), CURLOPT_SERVER_RESPONSE_TIMEOUT,
                   std::max(1L, (o.timeout_ms + 999) / 1000));
  curl_easy_setopt(easy.get(), CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(easy.get(), CURLOPT_FORBID_REUSE, 1L);
  curl_easy_setopt(easy.get(), CURLOPT_XFERINFOFUNCTION, &PastDeadline);
  curl_easy_setopt(easy.get(), CURLOPT_XFERINFODATA, &deadline);
  CURLcode code = curl_easy_perform(easy.get());
  if (code == CURLE_ABORTED_BY_CALLBACK) {  // PastDeadline
    *err = "SMTP to " + to + ": no answer within the " +
           std::to_string(o.timeout_ms) + " ms timeout";
    return false;
  }
  if (code != CURLE_OK) {
    // The server's last reply code (e.g. 550): curl's text alone ("Weird
    // server reply") does not tell a refused recipient from a dead server.
    long reply = 0;
    curl_easy_getinfo(easy.get(), CURLINFO_RESPONSE_CODE, &reply);
    *err = "SMTP to " + to + ": " + CurlError(code, errbuf) +
           (reply > 0 ? " (server replied " + std::to_string(reply) + ")" : "");
    return false;
  }
  return true;
}

bool PostWebhook(const WebhookOptions& o, const std::string& url,
                 const std::string& json, std::string* err) {
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
    *err = "webhook URL must be http:// or https://";
    return false;
  }
  EasyHandle easy(curl_easy_init());
  char errbuf[CURL_ERROR_SIZE] = {0};
  CommonOptions(easy.get(), o.connect_timeout_ms, o.timeout_ms, errbuf);
  Response response;
  response.cap = o.max_response_bytes;
  response.allow = o.allow_addresses;
  curl_easy_setopt(easy.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(easy.get(), CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy.get(), CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(easy.get(), CURLOPT_OPENSOCKETFUNCTION, &OpenGuarded);
  curl_easy_setopt(easy.get(), CURLOPT_OPENSOCKETDATA, &response);
  curl_easy_setopt(easy.get(), CURLOPT_WRITEFUNCTION, &WriteCapped);
  curl_easy_setopt(easy.get(), CURLOPT_WRITEDATA, &response);
  curl_easy_setopt(easy.get(), CURLOPT_USERAGENT, "oitwatch/0.1 alerts");
  Slist headers(curl_slist_append(nullptr,
                                  "Content-Type: application/json; charset=utf-8"));
  curl_easy_setopt(easy.get(), CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(easy.get(), CURLOPT_POSTFIELDSIZE_LARGE,
                   static_cast<curl_off_t>(json.size()));
  curl_easy_setopt(easy.get(), CURLOPT_POSTFIELDS, json.data());
  CURLcode code = curl_easy_perform(easy.get());
  long status = 0;
  curl_easy_getinfo(easy.get(), CURLINFO_RESPONSE_CODE, &status);
  if (status >= 200 && status < 300 && (code == CURLE_OK || response.too_large)) {
    return true;  // accepted; an oversized answer body is not our concern
  }
  if (response.refused) {
    *err = "webhook: refused to connect to a non-public address";
  } else if (code != CURLE_OK) {
    *err = "webhook: " + CurlError(code, errbuf);
  } else {
    *err = "webhook: HTTP " + std::to_string(status) +
           (status >= 300 && status < 400 ? " (redirects are not followed)" : "");
  }
  return false;
}

}  // namespace oitwatch