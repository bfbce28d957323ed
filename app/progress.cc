#include "app/progress.h"

#include "reports/escape.h"

namespace oitwatch {
namespace {

bool IsBare(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c >= 0x80 || c == '.' || c == '_' ||
         c == ':' || c == '/' || c == '@' || c == '+' || c == '-';
}

std::string Kv(const char* key, const std::string& value) {
  return std::string(" ") + key + "=" + LogValue(value);
}

std::string Kv(const char* key, long long value) {
  return std::string(" ") + key + "=" + std::to_string(value);
}

int Passed(const std::vector<ItemVerdict>& verdicts) {
  int pass = 0;
  for (const ItemVerdict& v : verdicts) pass += v.status == ItemStatus::kPass;
  return pass;
}

}  // namespace

std::string LogValue(std::string_view value) {
  // TerminalSafe: one line, no controls, no bidi tricks, valid UTF-8.
  std::string safe = TerminalSafe(value);
  bool bare = !safe.empty();
  for (unsigned char c : safe) bare = bare && IsBare(c);
  if (bare) return safe;
  std::string out = "\"";
  for (char c : safe) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

ProgressPrinter::ProgressPrinter(std::FILE* out, bool terminal,
                                 size_t total_sites, size_t items_per_site,
                                 int progress_every)
    : out_(out),
      terminal_(terminal),
      total_(total_sites),
      items_(items_per_site),
      every_(progress_every > 0 ? progress_every : 50) {}

void ProgressPrinter::RunStart(int64_t run_id) {
  if (terminal_) return;
  std::string line = "event=run_start" + Kv("run", run_id) +
                     Kv("sites", static_cast<long long>(total_));
  std::fprintf(out_, "%s\n", line.c_str());
  std::fflush(out_);
}

void ProgressPrinter::ClearLive() {
  if (!live_) return;
  std::fputs("\r\033[K", out_);
  live_ = false;
}

void ProgressPrinter::Progress(const SiteProgress& p) {
  int fetched = p.pages + p.documents;
  if (terminal_) {
    auto now = std::chrono::steady_clock::now();
    if (live_ && now - last_live_ < std::chrono::milliseconds(100)) return;
    last_live_ = now;
    ClearLive();
    std::fprintf(out_, "[%d/%zu done] %s: pages %d · docs %d · items found %d/%zu"
                       " · re-used %d",
                 done_, total_, TerminalSafe(p.site_id).c_str(), p.pages,
                 p.documents, p.items_found, items_, p.reused);
    live_ = true;
    std::fflush(out_);
    return;
  }
  int& at = printed_at_[p.site_id];
  if (fetched - at < every_) return;
  at = fetched;
  std::string line = "event=site_progress" + Kv("site", p.site_id) +
                     Kv("pages", p.pages) + Kv("documents", p.documents) +
                     Kv("parsed", p.parsed) + Kv("reused", p.reused) +
                     Kv("items_found", p.items_found);
  std::fprintf(out_, "%s\n", line.c_str());
  std::fflush(out_);
}

void ProgressPrinter::SiteDone(const SiteRunInfo& info,
                               const std::vector<ItemVerdict>& verdicts) {
  ++done_;
  printed_at_.erase(info.site_id);
  int pass = Passed(verdicts);
  if (terminal_) {
    ClearLive();
    std::fprintf(out_, "[%d/%zu] %-18s %-9s pages %-4d docs %-4d pass %d/%zu\n",
                 done_, total_, TerminalSafe(info.site_id).c_str(),
                 TerminalSafe(info.state).c_str(), info.pages, info.documents,
                 pass, verdicts.size());
    std::fflush(out_);
    return;
  }
  std::string line =
      "event=site_done" + Kv("n", done_) +
      Kv("total", static_cast<long long>(total_)) + Kv("site", info.site_id) +
      Kv("state", info.state) + Kv("pages", info.pages) +
      Kv("documents", info.documents) + Kv("errors", info.errors) +
      Kv("skipped", info.skipped) + Kv("parsed", info.parsed) +
      Kv("reused", info.reused) + Kv("pass", pass) +
      Kv("items", static_cast<long long>(verdicts.size())) +
      Kv("reason", info.reason);
  std::fprintf(out_, "%s\n", line.c_str());
  std::fflush(out_);
}

void ProgressPrinter::RunDone(int64_t run_id, const std::string& status,
                              int checked, int unchecked) {
  ClearLive();
  if (terminal_) return;
  std::string line = "event=run_done" + Kv("run", run_id) +
                     Kv("status", status) + Kv("checked", checked) +
                     Kv("unchecked", unchecked);
  std::fprintf(out_, "%s\n", line.c_str());
  std::fflush(out_);
}

}  // namespace oitwatch
