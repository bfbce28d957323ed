// Crawl(), the entry point to the engine: it creates the fetcher, allowing
// redirects to the configured ports and to the ports of the operator's own
// site URLs, and runs the Engine (engine.h). Also ClassifyLink, the scope
// rule the engine and the sink share.
#include "crawler/crawl.h"

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "crawler/engine.h"
#include "crawler/url.h"

namespace oitwatch {

LinkScope ClassifyLink(const std::string& scope_prefix, const std::string& url) {
  if (InScope(scope_prefix, url)) {
    return LooksLikeDocument(url) ? LinkScope::kDocument : LinkScope::kPage;
  }
  if (!SameHostAnyScheme(url, scope_prefix)) return LinkScope::kOtherHost;
  return LooksLikeDocument(url) ? LinkScope::kDocument
                                : LinkScope::kOtherSitePage;
}

namespace {

// The port of an absolute URL (its scheme's default if none); 0 if unparsable.
int PortOf(const std::string& url) {
  const std::string key = HostKey(url);  // "scheme://host:port"
  const size_t colon = key.rfind(':');
  return colon == std::string::npos ? 0 : std::atoi(key.c_str() + colon + 1);
}

}  // namespace

std::vector<int> AllowedPorts(const std::vector<Site>& sites,
                              std::vector<int> ports) {
  if (ports.empty()) return ports;  // any port
  for (const Site& site : sites) {
    ports.push_back(PortOf(site.url));
    for (const std::string& url : site.pinned_urls)
      ports.push_back(PortOf(url));
  }
  return ports;
}

bool Crawl(const std::vector<Site>& sites, const CrawlConfig& config,
           CrawlSink* sink, std::string* err) {
  FetcherOptions options = config.fetcher;
  options.allow_ports = AllowedPorts(sites, config.allow_ports);
  std::unique_ptr<Fetcher> fetcher = Fetcher::Create(options, err);
  if (!fetcher) return false;
  Engine engine(sites, config, sink, fetcher.get());
  engine.Run();
  return true;
}

}  // namespace oitwatch
