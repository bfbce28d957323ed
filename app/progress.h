// Progress of `oitwatch run` on stderr. On a terminal: one live line that
// shows the site being crawled (pages, documents, items found so far,
// re-used pages), and a permanent line per finished site. Otherwise (a log,
// a pipe, systemd's journal): quiet and structured, one line per event,
// `key=value` pairs, values escaped so web-derived text (reasons, URLs) can
// never add a line, a control sequence or a fake key:
//
//   event=run_start run=7 sites=50
//   event=site_progress site=laksi pages=50 documents=12 parsed=9 reused=53 items_found=11
//   event=site_done n=1 total=50 site=laksi state=checked pages=61 ... reason=""
//   event=run_done run=7 status=finished checked=49 unchecked=1
//
// site_progress is printed every `progress_every` fetched pages+documents of
// a site. Not thread-safe: call from the engine's thread.
#ifndef OITWATCH_APP_PROGRESS_H_
#define OITWATCH_APP_PROGRESS_H_

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "app/pipeline.h"

namespace oitwatch {

// One `key=value` value: bare when it is non-empty and only [A-Za-z0-9._:/@+-]
// and UTF-8 letters; otherwise in double quotes with \" and \\ escaped.
// Always: CR, LF, TAB become spaces, other controls (C0, DEL, C1, ESC) a
// visible \xHH, bidi controls a visible \u202e, invalid UTF-8 U+FFFD.
std::string LogValue(std::string_view value);

class ProgressPrinter {
 public:
  // REQUIRES: out is non-null and outlives the printer.
  ProgressPrinter(std::FILE* out, bool terminal, size_t total_sites,
                  size_t items_per_site, int progress_every = 50);

  void RunStart(int64_t run_id);
  void Progress(const SiteProgress& progress);
  void SiteDone(const SiteRunInfo& info,
                const std::vector<ItemVerdict>& verdicts);
  void RunDone(int64_t run_id, const std::string& status, int checked,
               int unchecked);

 private:
  void ClearLive();

  std::FILE* out_;
  bool terminal_;
  size_t total_, items_;
  int every_;
  int done_ = 0;
  bool live_ = false;  // a live line is on screen (terminal)
  std::chrono::steady_clock::time_point last_live_{};
  std::map<std::string, int> printed_at_;  // site -> fetched count at last line
};

}  // namespace oitwatch

#endif  // OITWATCH_APP_PROGRESS_H_
