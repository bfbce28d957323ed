#include "crawler/fetch_result.h"

namespace oitwatch {
namespace {

struct OutcomeName {
  FetchOutcome outcome;
  const char* name;
};

// The stable names stored in SQLite and shown in reports: never rename one.
constexpr OutcomeName kOutcomeNames[] = {
    {FetchOutcome::kOk, "ok"},
    {FetchOutcome::kNotModified, "not_modified"},
    {FetchOutcome::kHttpError, "http_error"},
    {FetchOutcome::kBlocked, "blocked"},
    {FetchOutcome::kRateLimited, "rate_limited"},
    {FetchOutcome::kDnsError, "dns_error"},
    {FetchOutcome::kConnectError, "connect_error"},
    {FetchOutcome::kTlsError, "tls_error"},
    {FetchOutcome::kTimeout, "timeout"},
    {FetchOutcome::kTooLarge, "too_large"},
    {FetchOutcome::kTooManyRedirects, "too_many_redirects"},
    {FetchOutcome::kBadContent, "bad_content"},
    {FetchOutcome::kForbiddenAddress, "forbidden_address"},
    {FetchOutcome::kUnsupportedScheme, "unsupported_scheme"},
    {FetchOutcome::kRobotsDisallowed, "robots_disallowed"},
    {FetchOutcome::kSkipped, "skipped"},
};

}  // namespace

const char* FetchOutcomeName(FetchOutcome outcome) {
  for (const OutcomeName& entry : kOutcomeNames) {
    if (entry.outcome == outcome) return entry.name;
  }
  return "unknown";
}

bool ParseFetchOutcome(const std::string& name, FetchOutcome* outcome) {
  for (const OutcomeName& entry : kOutcomeNames) {
    if (name == entry.name) {
      *outcome = entry.outcome;
      return true;
    }
  }
  return false;
}

}  // namespace oitwatch
