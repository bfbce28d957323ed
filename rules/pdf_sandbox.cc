// PdfSandbox: the parent's side of the PDF worker (see pdf_sandbox.h and
// pdf_worker.h). The socket to the worker is non-blocking on our side and
// every wait is a poll() bounded by the document's deadline; send() uses
// MSG_NOSIGNAL, so a dead worker is EPIPE, never SIGPIPE.
#include "rules/pdf_sandbox.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstring>
#include <utility>

#include "rules/pdf_worker.h"

extern char** environ;

namespace oitwatch {
namespace {

using Clock = std::chrono::steady_clock;

// A reply larger than this is garbage: the text is capped (max_text_bytes)
// and the title comes from a PDF of at most the fetcher's document cap.
constexpr uint64_t kMaxReplyBytes = uint64_t{256} << 20;
// CPU seconds a worker may spend on one document beyond the deadline before
// the kernel stops it (SIGXCPU): a backstop for a parent that is gone.
constexpr int kCpuBackstopExtraSeconds = 5;

// 1 when `fd` is ready for `events`, 0 at the deadline, -1 on an error.
int WaitFor(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - Clock::now());
    if (left.count() <= 0) return 0;
    pollfd p{fd, events, 0};
    const int n = ::poll(
        &p, 1,
        static_cast<int>(std::min<long long>(left.count() + 1, INT_MAX)));
    if (n < 0 && errno == EINTR) continue;
    if (n != 0) return n > 0 ? 1 : -1;
  }
}

bool Closed(int error) { return error == EPIPE || error == ECONNRESET; }

// The descriptor moved above stdin/stdout/stderr (a dup2 of a descriptor
// onto itself would keep its close-on-exec flag).
int AboveStdio(int fd) {
  if (fd < 0 || fd > STDERR_FILENO) return fd;
  const int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
  ::close(fd);
  return moved;
}

std::string Errno(const std::string& what) {
  return what + ": " + std::strerror(errno);
}

}  // namespace

PdfSandbox::PdfSandbox(PdfSandboxOptions options)
    : options_(std::move(options)) {}

PdfSandbox::~PdfSandbox() { Stop(); }

namespace {

// posix_spawn's settings for a worker whose stdin and stdout are `fd`: it
// dies of a closed pipe (its parent is gone) and sees every signal,
// whatever this process ignores or blocks. Its stderr goes nowhere: what
// poppler prints as it dies ("Out of memory") is said in the reason.
class SpawnSettings {
 public:
  explicit SpawnSettings(int fd) {
    posix_spawn_file_actions_init(&actions_);
    posix_spawn_file_actions_adddup2(&actions_, fd, STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions_, fd, STDOUT_FILENO);
    posix_spawn_file_actions_addopen(&actions_, STDERR_FILENO, "/dev/null",
                                     O_WRONLY, 0);
    posix_spawnattr_init(&attr_);
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    posix_spawnattr_setsigmask(&attr_, &none);
    posix_spawnattr_setsigdefault(&attr_, &defaults);
    posix_spawnattr_setflags(&attr_,
                             POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  }
  ~SpawnSettings() {
    posix_spawn_file_actions_destroy(&actions_);
    posix_spawnattr_destroy(&attr_);
  }
  SpawnSettings(const SpawnSettings&) = delete;
  SpawnSettings& operator=(const SpawnSettings&) = delete;

  // posix_spawn's result: 0 or an errno value.
  int Spawn(const std::string& path, char* const argv[], pid_t* pid) const {
    return ::posix_spawn(pid, path.c_str(), &actions_, &attr_, argv, environ);
  }

 private:
  posix_spawn_file_actions_t actions_;
  posix_spawnattr_t attr_;
};

}  // namespace

bool PdfSandbox::Spawn(std::string* err) {
  int ends[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) != 0) {
    *err = Errno("socketpair");
    return false;
  }
  const int ours = AboveStdio(ends[0]), theirs = AboveStdio(ends[1]);
  std::string memory = std::to_string(options_.memory_mb);
  std::string cpu = std::to_string((options_.timeout_ms + 999) / 1000 +
                                   kCpuBackstopExtraSeconds);
  std::string command = kPdfWorkerCommand;
  char* argv[] = {options_.worker.data(), command.data(), memory.data(),
                  cpu.data(), nullptr};
  pid_t pid = 0;
  const int rc = ours < 0 || theirs < 0
                     ? EMFILE
                     : SpawnSettings(theirs).Spawn(options_.worker, argv, &pid);
  if (theirs >= 0) ::close(theirs);
  if (rc != 0) {
    if (ours >= 0) ::close(ours);
    *err = "the PDF reader could not start (" + options_.worker + ": " +
           std::strerror(rc) + ")";
    return false;
  }
  fd_ = ours;
  pid_ = pid;
  ++spawns_;
  if (::fcntl(ours, F_SETFL, O_NONBLOCK) == 0) return true;
  *err = Errno("the PDF reader could not start (fcntl)");
  Stop();
  return false;
}

int PdfSandbox::Stop() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (pid_ <= 0) return 0;
  ::kill(pid_, SIGKILL);  // a worker that already died keeps its status
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = 0;
  return status;
}

PdfSandbox::Io PdfSandbox::SendAll(int fd, std::string_view bytes,
                                   TimePoint deadline) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n > 0) {
      bytes.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && Closed(errno)) return Io::kClosed;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) return Io::kError;
    const int ready = WaitFor(fd, POLLOUT, deadline);
    if (ready <= 0) return ready == 0 ? Io::kTimeout : Io::kError;
  }
  return Io::kOk;
}

PdfSandbox::Io PdfSandbox::RecvAll(int fd, size_t n, TimePoint deadline,
                                   std::string* out) {
  char buf[64 << 10];
  while (n > 0) {
    const ssize_t got = ::recv(fd, buf, std::min(n, sizeof buf), 0);
    if (got > 0) {
      out->append(buf, static_cast<size_t>(got));
      n -= static_cast<size_t>(got);
      continue;
    }
    if (got == 0) return Io::kClosed;
    if (errno == EINTR) continue;
    if (Closed(errno)) return Io::kClosed;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return Io::kError;
    const int ready = WaitFor(fd, POLLIN, deadline);
    if (ready <= 0) return ready == 0 ? Io::kTimeout : Io::kError;
  }
  return Io::kOk;
}

// One request and its reply's body; kError also for a reply that is not
// one (a bad header).
PdfSandbox::Io PdfSandbox::Exchange(std::string_view pdf, int max_pages,
                                    size_t max_text_bytes, std::string* reply,
                                    bool* sent_nothing) {
  const Clock::time_point deadline =
      Clock::now() + std::chrono::milliseconds(options_.timeout_ms);
  const std::string head =
      EncodePdfHeader(PdfMessageKind::kRequest,
                      kPdfRequestPrefixBytes + pdf.size()) +
      EncodePdfRequestPrefix(max_pages, max_text_bytes);
  Io io = SendAll(fd_, head, deadline);
  *sent_nothing = io == Io::kClosed;  // the worker was gone before we began
  if (io == Io::kOk) io = SendAll(fd_, pdf, deadline);
  std::string header;
  if (io == Io::kOk)
    io = RecvAll(fd_, kPdfMessageHeaderBytes, deadline, &header);
  if (io != Io::kOk) return io;
  uint64_t body = 0;
  if (!DecodePdfHeader(header, PdfMessageKind::kReply, kMaxReplyBytes, &body)) {
    return Io::kError;
  }
  return RecvAll(fd_, static_cast<size_t>(body), deadline, reply);
}

PdfReadResult PdfSandbox::Read(std::string_view pdf, int max_pages,
                               size_t max_text_bytes, PdfText* out,
                               std::string* err) {
  *out = PdfText();
  if (pdf.size() > static_cast<size_t>(INT_MAX)) {  // refused unread
    ExtractPdfText(pdf, max_pages, max_text_bytes, out, err);
    return PdfReadResult::kUnreadable;
  }
  const bool had_worker = pid_ != 0;
  if (!had_worker && !Spawn(err)) return PdfReadResult::kGaveUp;
  std::string body;
  bool sent_nothing = false;
  Io io = Exchange(pdf, max_pages, max_text_bytes, &body, &sent_nothing);
  if (io == Io::kClosed && sent_nothing && had_worker) {
    // The worker died while idle (killed from outside): one successor.
    Stop();
    if (!Spawn(err)) return PdfReadResult::kGaveUp;
    body.clear();
    io = Exchange(pdf, max_pages, max_text_bytes, &body, &sent_nothing);
  }
  PdfReply reply;
  if (io != Io::kOk || !DecodePdfReply(body, &reply)) {
    if (io == Io::kOk) io = Io::kError;
    *err = GiveUpReason(io, Stop());
    return PdfReadResult::kGaveUp;
  }
  // A worker whose heap grew past half its limit makes way for a fresh one
  // (fragmentation must not starve a later, ordinary document).
  if (options_.memory_mb > 0 &&
      reply.peak_rss_kb > static_cast<uint64_t>(options_.memory_mb) * 512) {
    Stop();
  }
  if (!reply.read) {
    *err = reply.error;
    return PdfReadResult::kUnreadable;
  }
  *out = std::move(reply.text);
  return PdfReadResult::kRead;
}

std::string PdfSandbox::GiveUpReason(Io io, int status) const {
  const std::string memory = std::to_string(options_.memory_mb) + " MiB";
  std::string why;
  if (io == Io::kTimeout) {
    const int ms = options_.timeout_ms;
    why = "stopped after " + (ms % 1000 == 0 ? std::to_string(ms / 1000) + " s"
                                             : std::to_string(ms) + " ms");
  } else if (io == Io::kError) {
    why = "the reader's answer was garbled";
  } else if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    const char* name = sigabbrev_np(sig);
    const std::string signal = "SIG" + std::string(name ? name : "?");
    if (sig == SIGABRT || sig == SIGKILL) {
      why = "out of memory: limit " + memory + ", " + signal;
    } else if (sig == SIGXCPU) {
      why = "CPU limit reached";
    } else {
      why = "the reader crashed (" + signal + ")";
    }
  } else {
    why = "the reader exited with status " +
          std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  }
  return std::string(kPdfTooComplex) + " (" + why + ")";
}

}  // namespace oitwatch
