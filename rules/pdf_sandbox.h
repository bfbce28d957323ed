// Reads PDFs in a worker process (rules/pdf_worker.h) under a deadline and
// a memory limit, so that a hostile PDF (red team rtpdf B02-B06: hours of
// parsing, gigabytes of memory, poppler's abort on "Out of memory") costs a
// killed worker and that one document, never the run. One worker serves
// every document in turn (no process per PDF); it is started on first use
// with posix_spawn (no fork of a process that holds SQLite connections),
// and again after it was killed or died.
//
// Not thread-safe: one PdfSandbox per calling thread. Not copyable (owns a
// process).
#ifndef OITWATCH_RULES_PDF_SANDBOX_H_
#define OITWATCH_RULES_PDF_SANDBOX_H_

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "rules/pdf_text.h"

namespace oitwatch {

// How every give-up reason of PdfSandbox::Read begins.
inline constexpr char kPdfTooComplex[] = "PDF too complex to read safely";

struct PdfSandboxOptions {
  // The binary run as `<worker> pdf-worker ...`: this very program (the
  // oitwatch binary; test binaries answer `pdf-worker` too, tests/test_main).
  std::string worker = "/proc/self/exe";
  int timeout_ms = 20000;  // per document: sending it, reading it, the reply
  int memory_mb = 768;     // the worker's address-space limit; 0 = none
};

enum class PdfReadResult {
  kRead,        // *out holds the text
  kUnreadable,  // not a readable PDF (corrupt, encrypted): *err says why
  kGaveUp,      // too complex to read safely: *err says why
};

class PdfSandbox {
 public:
  explicit PdfSandbox(PdfSandboxOptions options = {});
  ~PdfSandbox();  // kills the worker (an idle one loses nothing)
  PdfSandbox(const PdfSandbox&) = delete;
  PdfSandbox& operator=(const PdfSandbox&) = delete;

  // ExtractPdfText(pdf, max_pages, max_text_bytes) in the worker. kGaveUp
  // when the worker passed the deadline (it is killed), died (out of
  // memory: poppler aborts; a crash; the CPU backstop), answered garbage,
  // or could not be started; *err begins with kPdfTooComplex (or says the
  // reader could not start) and names the cause. The next call starts a
  // new worker.
  PdfReadResult Read(std::string_view pdf, int max_pages, size_t max_text_bytes,
                     PdfText* out, std::string* err);

  // The worker's process id, 0 when none runs (tests).
  int worker_pid() const { return pid_; }
  // Workers started so far (tests).
  int spawns() const { return spawns_; }

 private:
  enum class Io { kOk, kTimeout, kClosed, kError };
  using TimePoint = std::chrono::steady_clock::time_point;

  // Sends all of `bytes`, or appends exactly `n` bytes to *out, before the
  // deadline.
  static Io SendAll(int fd, std::string_view bytes, TimePoint deadline);
  static Io RecvAll(int fd, size_t n, TimePoint deadline, std::string* out);

  bool Spawn(std::string* err);
  // Kills and reaps the worker; returns its wait status (0 if none ran).
  int Stop();
  Io Exchange(std::string_view pdf, int max_pages, size_t max_text_bytes,
              std::string* reply, bool* sent_nothing);
  std::string GiveUpReason(Io io, int status) const;

  PdfSandboxOptions options_;
  int fd_ = -1;  // our end of the worker's stdin and stdout
  int pid_ = 0;
  int spawns_ = 0;
};

}  // namespace oitwatch

#endif  // OITWATCH_RULES_PDF_SANDBOX_H_
