// Report files the user names (reports/output_file.h), and the real binary's
// `report --out FILE` and `--format html --out DIR` over them: a device,
// FIFO, directory or symlink at the target is refused and left as it was, a
// symlink planted at the old fixed temp name is never followed, nothing is
// left behind (RELIABILITY.md: hostile file system around the output).
#include "reports/output_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "tests/test_process.h"
#include "tests/test_reports.h"

namespace oitwatch {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> Names(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

bool IsFifo(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 && S_ISFIFO(st.st_mode);
}

class OutputFileTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir();
    ASSERT_FALSE(dir_.empty());
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::string dir_;
};

TEST_F(OutputFileTest, ReplacesARegularFileAndLeavesNoTempFile) {
  ASSERT_TRUE(WriteFile(dir_ + "/out.csv", "old"));
  std::string err;
  ASSERT_TRUE(WriteOutputFile(dir_ + "/out.csv", "new,report\n", &err)) << err;
  EXPECT_EQ(ReadFile(dir_ + "/out.csv"), "new,report\n");
  EXPECT_EQ(Names(dir_), std::vector<std::string>{"out.csv"});
}

TEST_F(OutputFileTest, NewFileGetsTheUmasksMode) {
  const mode_t old = ::umask(022);
  std::string err;
  bool ok = WriteOutputFile(dir_ + "/out.csv", "x", &err);
  ::umask(old);
  ASSERT_TRUE(ok) << err;
  EXPECT_EQ(fs::status(dir_ + "/out.csv").permissions(),
            fs::perms(0644));
}

TEST_F(OutputFileTest, RefusesAFifoADirectoryAndASymlink) {
  ASSERT_EQ(::mkfifo((dir_ + "/fifo").c_str(), 0600), 0);
  fs::create_directory(dir_ + "/subdir");
  fs::create_symlink("/dev/null", dir_ + "/devlink");
  for (const char* name : {"fifo", "subdir", "devlink"}) {
    std::string err;
    EXPECT_FALSE(WriteOutputFile(dir_ + "/" + name, "x", &err)) << name;
    EXPECT_NE(err.find("refusing to replace it"), std::string::npos) << err;
  }
  EXPECT_TRUE(IsFifo(dir_ + "/fifo"));
  EXPECT_TRUE(fs::is_directory(dir_ + "/subdir"));
  EXPECT_TRUE(fs::is_symlink(dir_ + "/devlink"));
  EXPECT_EQ(Names(dir_), (std::vector<std::string>{"devlink", "fifo", "subdir"}));
}

// Replacing a link is no safer than following it: as root, `--out
// /dev/stdout` with stdout redirected to a file would replace /dev/stdout.
TEST_F(OutputFileTest, SymlinkToARegularFileIsRefusedAndBothKept) {
  ASSERT_TRUE(WriteFile(dir_ + "/victim", "precious"));
  fs::create_symlink(dir_ + "/victim", dir_ + "/out.csv");
  std::string err;
  EXPECT_FALSE(WriteOutputFile(dir_ + "/out.csv", "report", &err));
  EXPECT_NE(err.find("is a symbolic link"), std::string::npos) << err;
  EXPECT_EQ(ReadFile(dir_ + "/victim"), "precious");
  EXPECT_TRUE(fs::is_symlink(dir_ + "/out.csv"));
  EXPECT_EQ(Names(dir_), (std::vector<std::string>{"out.csv", "victim"}));
}

TEST_F(OutputFileTest, MissingDirectoryFailsWithTheReason) {
  std::string err;
  EXPECT_FALSE(WriteOutputFile(dir_ + "/no/such/out.csv", "x", &err));
  EXPECT_NE(err.find("No such file or directory"), std::string::npos) << err;
  EXPECT_TRUE(fs::is_empty(dir_));
}

// A real store with one finished run (one checked site), for the binary.
class ReportOutTest : public OutputFileTest {
 protected:
  void SetUp() override {
    OutputFileTest::SetUp();
    db_ = dir_ + "/oitwatch.db";
    std::string err;
    std::unique_ptr<Store> store = Store::Open(db_, &err);
    ASSERT_NE(store, nullptr) << err;
    int64_t run = 0;
    ASSERT_TRUE(store->BeginRun(SampleRunInfo("2025-04-10"), &run, &err)) << err;
    SiteRow row{"laksi", "สำนักงานเขตหลักสี่", "Lak Si", "https://example.org/", {}};
    ASSERT_TRUE(store->UpsertSite(row, &err)) << err;
    SiteRunInfo info;
    info.site_id = "laksi";
    info.state = "checked";
    ItemVerdict o1;
    o1.item_id = "O1";
    o1.title = "โครงสร้าง";
    o1.status = ItemStatus::kPass;
    ASSERT_TRUE(store->SaveSiteResult(run, info, {o1}, &err)) << err;
    ASSERT_TRUE(store->FinishRun(run, "finished", &err)) << err;
    out_ = dir_ + "/out";
    fs::create_directory(out_);
  }
  ProcessResult Report(const std::string& format, const std::string& out) {
    return RunProcess({OITWATCH_BINARY, "report", "--db", db_, "--format",
                       format, "--out", out}, 60);
  }
  std::string db_, out_;
};

TEST_F(ReportOutTest, FifoAtOutIsRefusedAndLeftAsItWas) {
  ASSERT_EQ(::mkfifo((out_ + "/report.csv").c_str(), 0600), 0);
  ProcessResult r = Report("csv", out_ + "/report.csv");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("is a FIFO, not a regular file"), std::string::npos)
      << r.err;
  EXPECT_TRUE(IsFifo(out_ + "/report.csv"));
  EXPECT_EQ(Names(out_), std::vector<std::string>{"report.csv"});
}

TEST_F(ReportOutTest, SymlinkToADeviceAtOutIsRefusedAndLeftAsItWas) {
  fs::create_symlink("/dev/null", out_ + "/report.json");
  ProcessResult r = Report("json", out_ + "/report.json");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("is a symbolic link"), std::string::npos) << r.err;
  EXPECT_TRUE(fs::is_symlink(out_ + "/report.json"));
  EXPECT_EQ(Names(out_), std::vector<std::string>{"report.json"});
}

TEST_F(ReportOutTest, SymlinkPlantedAtTheTempNameIsNotFollowed) {
  ASSERT_TRUE(WriteFile(dir_ + "/victim.txt", "precious"));
  fs::create_symlink(dir_ + "/victim.txt", out_ + "/report.csv.tmp");
  ProcessResult r = Report("csv", out_ + "/report.csv");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ReadFile(dir_ + "/victim.txt"), "precious");
  EXPECT_NE(ReadFile(out_ + "/report.csv").find("laksi"), std::string::npos);
  EXPECT_EQ(Names(out_),
            (std::vector<std::string>{"report.csv", "report.csv.tmp"}));
}

TEST_F(ReportOutTest, HtmlPageNameHeldByAFifoIsRefusedAndLeftAsItWas) {
  ASSERT_EQ(::mkfifo((out_ + "/site-laksi.html").c_str(), 0600), 0);
  ProcessResult r = Report("html", out_);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("site-laksi.html: exists and is a FIFO"),
            std::string::npos) << r.err;
  EXPECT_TRUE(IsFifo(out_ + "/site-laksi.html"));
  EXPECT_EQ(Names(out_), std::vector<std::string>{"site-laksi.html"});
}

TEST_F(ReportOutTest, HtmlPageThatIsASymlinkIsRefusedNotFollowed) {
  ASSERT_TRUE(WriteFile(dir_ + "/victim.txt", "precious"));
  fs::create_symlink(dir_ + "/victim.txt", out_ + "/site-laksi.html");
  ProcessResult r = Report("html", out_);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("site-laksi.html: is a symbolic link"),
            std::string::npos) << r.err;
  EXPECT_EQ(ReadFile(dir_ + "/victim.txt"), "precious");
  EXPECT_TRUE(fs::is_symlink(out_ + "/site-laksi.html"));
  EXPECT_EQ(Names(out_), std::vector<std::string>{"site-laksi.html"});
}

}  // namespace
}  // namespace oitwatch
