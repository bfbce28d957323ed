// PdfSandbox and its worker process (the test binary itself: tests/test_main
// answers `pdf-worker`), with real hostile PDFs made at test time
// (red team rtpdf B02-B04) and real misbehaving workers (shell scripts).
#include "rules/pdf_sandbox.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "tests/test_pdf.h"
#include "tests/test_process.h"

namespace oitwatch {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// A worker that is a shell script (`body` after the #! line).
std::string Script(const std::string& body) {
  const std::string path = MakeTempDir() + "/worker.sh";
  EXPECT_TRUE(WriteFile(path, "#!/bin/sh\n" + body + "\n"));
  ::chmod(path.c_str(), 0700);
  return path;
}

// The state letter of /proc/<pid>/stat ('Z' zombie), or '?' if gone.
char ProcessState(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return '?';
  const size_t paren = line.rfind(')');
  return paren + 2 < line.size() ? line[paren + 2] : '?';
}

// "Max address space" soft limit of /proc/<pid>/limits, "" if not read.
std::string AddressSpaceLimit(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/limits");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("Max address space", 0) != 0) continue;
    std::istringstream fields(line.substr(17));
    std::string soft;
    fields >> soft;
    return soft;
  }
  return "";
}

TEST(PdfSandboxTest, ReadsManyPdfsInOneWorkerProcess) {
  PdfSandbox sandbox;
  int pid = 0;
  for (int i = 0; i < 60; ++i) {
    const std::string text = "Action plan FY 2568 number " + std::to_string(i);
    PdfText out;
    std::string err;
    ASSERT_EQ(sandbox.Read(MakeSimplePdf(text), 40, 1 << 20, &out, &err),
              PdfReadResult::kRead)
        << i << ": " << err;
    EXPECT_NE(out.text.find(text), std::string::npos) << out.text;
    EXPECT_TRUE(out.has_text);
    EXPECT_EQ(out.pages, 1);
    if (i == 0) pid = sandbox.worker_pid();
    EXPECT_EQ(sandbox.worker_pid(), pid) << "no process per PDF";
  }
  EXPECT_EQ(sandbox.spawns(), 1);
}

TEST(PdfSandboxTest, GivesTheSameAnswerAsExtractPdfText) {
  SimplePdfInfo info{"แผนปฏิบัติราชการ 2568", "D:20250115093000+07'00'",
                     "D:20250301000000Z"};
  const std::string pdf = MakeSimplePdfPages({"page one", "", "page 3"}, info);
  PdfText direct, sandboxed;
  std::string err;
  ASSERT_TRUE(ExtractPdfText(pdf, 2, 1 << 20, &direct, &err)) << err;
  PdfSandbox sandbox;
  ASSERT_EQ(sandbox.Read(pdf, 2, 1 << 20, &sandboxed, &err),
            PdfReadResult::kRead)
      << err;
  EXPECT_EQ(sandboxed.text, direct.text);
  EXPECT_EQ(sandboxed.title, direct.title);
  EXPECT_EQ(sandboxed.creation_date, "2025-01-15");
  EXPECT_EQ(sandboxed.mod_date, direct.mod_date);
  EXPECT_EQ(sandboxed.pages, 3);
  EXPECT_EQ(sandboxed.has_text, direct.has_text);
}

TEST(PdfSandboxTest, CorruptPdfIsUnreadableAndTheWorkerStays) {
  PdfSandbox sandbox;
  PdfText out;
  std::string err;
  EXPECT_EQ(sandbox.Read("%PDF-1.4\n1 0 obj <<", 40, 1 << 20, &out, &err),
            PdfReadResult::kUnreadable);
  EXPECT_NE(err.find("not a readable PDF"), std::string::npos) << err;
  EXPECT_EQ(sandbox.Read(MakeSimplePdf("fine"), 40, 1 << 20, &out, &err),
            PdfReadResult::kRead)
      << err;
  EXPECT_EQ(sandbox.spawns(), 1);
}

// B02: a 40 KB PDF that poppler would parse for hours.
TEST(PdfSandboxTest, DeadlineKillsTheWorkerAndTheNextPdfGetsANewOne) {
  PdfSandboxOptions options;
  options.timeout_ms = 1000;
  PdfSandbox sandbox(options);
  PdfText out;
  std::string err;
  ASSERT_EQ(sandbox.Read(MakeSimplePdf("warm up"), 40, 1 << 20, &out, &err),
            PdfReadResult::kRead);
  const int first = sandbox.worker_pid();
  const std::string bomb =
      MakeContentsBombPdf("Action plan FY 2568", "q Q ", 10, 20000);
  EXPECT_LT(bomb.size(), 200u << 10);
  const Clock::time_point start = Clock::now();
  EXPECT_EQ(sandbox.Read(bomb, 40, 1 << 20, &out, &err),
            PdfReadResult::kGaveUp);
  EXPECT_LT(SecondsSince(start), 5.0);
  EXPECT_EQ(err, std::string(kPdfTooComplex) + " (stopped after 1 s)");
  EXPECT_EQ(sandbox.worker_pid(), 0);
  EXPECT_EQ(ProcessState(first), '?') << "killed and reaped";
  ASSERT_EQ(sandbox.Read(MakeSimplePdf("after"), 40, 1 << 20, &out, &err),
            PdfReadResult::kRead)
      << err;
  EXPECT_NE(out.text.find("after"), std::string::npos);
  EXPECT_EQ(sandbox.spawns(), 2);
}

// B03/B04: path segments never painted, gigabytes in poppler; poppler
// aborts ("Out of memory") at the worker's limit.
TEST(PdfSandboxTest, MemoryLimitEndsTheWorkerNotTheCaller) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "ASan builds run the worker without RLIMIT_AS";
#endif
  PdfSandboxOptions options;
  options.memory_mb = 256;
  PdfSandbox sandbox(options);
  PdfText out;
  std::string err;
  EXPECT_EQ(sandbox.Read(MakeContentsBombPdf("plan", "0 0 m 1 1 l ", 10, 4), 40,
                         1 << 20, &out, &err),
            PdfReadResult::kGaveUp);
  EXPECT_NE(
      err.find(std::string(kPdfTooComplex) + " (out of memory: limit 256 MiB"),
      std::string::npos)
      << err;
  EXPECT_EQ(sandbox.Read(MakeSimplePdf("next"), 40, 1 << 20, &out, &err),
            PdfReadResult::kRead)
      << err;
}

TEST(PdfSandboxTest, WorkerRunsUnderItsMemoryLimitWithNoInheritedFiles) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "ASan builds run the worker without RLIMIT_AS";
#endif
  const int leaked = ::open("/dev/null", O_RDONLY);  // no O_CLOEXEC
  ASSERT_GE(leaked, 0);
  PdfSandbox sandbox;
  PdfText out;
  std::string err;
  ASSERT_EQ(sandbox.Read(MakeSimplePdf("x"), 40, 1 << 20, &out, &err),
            PdfReadResult::kRead);
  const int pid = sandbox.worker_pid();
  EXPECT_EQ(AddressSpaceLimit(pid), std::to_string(768ull << 20));
  for (int fd = 4; fd < 64; ++fd) {
    const std::string link =
        "/proc/" + std::to_string(pid) + "/fd/" + std::to_string(fd);
    EXPECT_NE(::access(link.c_str(), F_OK), 0) << "worker holds fd " << fd;
  }
  ::close(leaked);
}

TEST(PdfSandboxTest, WorkerKilledWhileIdleIsReplaced) {
  PdfSandbox sandbox;
  PdfText out;
  std::string err;
  ASSERT_EQ(sandbox.Read(MakeSimplePdf("one"), 40, 1 << 20, &out, &err),
            PdfReadResult::kRead);
  const int pid = sandbox.worker_pid();
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  for (int i = 0; i < 500 && ProcessState(pid) != 'Z'; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(ProcessState(pid), 'Z');
  EXPECT_EQ(sandbox.Read(MakeSimplePdf("two"), 40, 1 << 20, &out, &err),
            PdfReadResult::kRead)
      << err;
  EXPECT_NE(out.text.find("two"), std::string::npos);
  EXPECT_EQ(sandbox.spawns(), 2);
}

TEST(PdfSandboxTest, GarbageReplyGivesUpAndKillsTheWorker) {
  PdfSandboxOptions options;
  options.worker = Script("printf 'this is no reply at all'\nexec sleep 30");
  PdfSandbox sandbox(options);
  PdfText out;
  std::string err;
  const Clock::time_point start = Clock::now();
  EXPECT_EQ(sandbox.Read(MakeSimplePdf("x"), 40, 1 << 20, &out, &err),
            PdfReadResult::kGaveUp);
  EXPECT_LT(SecondsSince(start), 5.0);
  EXPECT_NE(err.find("garbled"), std::string::npos) << err;
  EXPECT_EQ(sandbox.worker_pid(), 0);
}

// The worker is gone before the PDF is sent (a large one: the socket
// buffer fills): EPIPE, no SIGPIPE for the caller.
TEST(PdfSandboxTest, WorkerThatExitsGivesUpWithItsStatus) {
  PdfSandboxOptions options;
  options.worker = Script("exit 3");
  PdfSandbox sandbox(options);
  PdfText out;
  std::string err;
  const std::string big = MakeSimplePdf(std::string(4 << 20, 'a'));
  EXPECT_EQ(sandbox.Read(big, 40, 1 << 20, &out, &err), PdfReadResult::kGaveUp);
  EXPECT_NE(err.find("exited with status 3"), std::string::npos) << err;
}

TEST(PdfSandboxTest, ShortReplyGivesUp) {
  PdfSandboxOptions options;
  // A header announcing 100 bytes of reply, then 3 of them and the end.
  options.worker = Script(
      "printf 'OWPF\\002\\000\\000\\000\\144\\000\\000\\000\\000\\000\\000\\000"
      "abc'");
  PdfSandbox sandbox(options);
  PdfText out;
  std::string err;
  EXPECT_EQ(sandbox.Read(MakeSimplePdf("x"), 40, 1 << 20, &out, &err),
            PdfReadResult::kGaveUp);
  EXPECT_NE(err.find(kPdfTooComplex), std::string::npos) << err;
}

TEST(PdfSandboxTest, WorkerThatCannotStartGivesUp) {
  PdfSandboxOptions options;
  options.worker = "/nonexistent/oitwatch";
  PdfSandbox sandbox(options);
  PdfText out;
  std::string err;
  EXPECT_EQ(sandbox.Read(MakeSimplePdf("x"), 40, 1 << 20, &out, &err),
            PdfReadResult::kGaveUp);
  EXPECT_NE(err.find("could not start"), std::string::npos) << err;
  EXPECT_EQ(sandbox.spawns(), 0);
}

}  // namespace
}  // namespace oitwatch
