// Atomic, symlink-safe report files (see output_file.h).
#include "reports/output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <random>

namespace oitwatch {
namespace {

std::string Errno(int e) { return std::strerror(e); }

const char* KindOf(mode_t mode) {
  if (S_ISDIR(mode)) return "directory";
  if (S_ISCHR(mode)) return "character device";
  if (S_ISBLK(mode)) return "block device";
  if (S_ISFIFO(mode)) return "FIFO";
  if (S_ISSOCK(mode)) return "socket";
  return "special file";
}

// "dir/.name.Ab3x9Q.tmp" beside `path`: same file system, so rename is
// atomic; random, so no other user can plant something there in advance.
std::string TempName(const std::string& path, std::mt19937_64* rng) {
  static const char kChars[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "" : path.substr(0, slash + 1);
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  std::string suffix;
  for (int i = 0; i < 8; ++i) suffix += kChars[(*rng)() % (sizeof kChars - 1)];
  return dir + "." + base + "." + suffix + ".tmp";
}

// Creates a new temp file beside `path`; returns its fd, or -1 with *err.
int CreateTemp(const std::string& path, std::string* tmp, std::string* err) {
  std::random_device seed;
  std::mt19937_64 rng((uint64_t{seed()} << 32) ^ seed() ^ ::getpid());
  for (int attempt = 0; attempt < 100; ++attempt) {
    *tmp = TempName(path, &rng);
    int fd = ::open(tmp->c_str(),
                    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd >= 0) return fd;
    if (errno != EEXIST) {
      *err = path + ": cannot create a temp file beside it (" + Errno(errno) +
             ")";
      return -1;
    }
  }
  *err = path + ": cannot create a temp file beside it (100 names taken)";
  return -1;
}

bool WriteAll(int fd, const std::string& content) {
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n == 0) errno = EIO;
      return false;
    }
    done += static_cast<size_t>(n);
  }
  return true;
}

// Makes the rename itself durable; best effort (some file systems refuse).
void SyncDirectoryOf(const std::string& path) {
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : path.substr(0, slash + 1);
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  (void)::fsync(fd);
  ::close(fd);
}

}  // namespace

bool CheckReplaceable(const std::string& path, std::string* err) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0 || S_ISREG(st.st_mode)) return true;
  if (S_ISLNK(st.st_mode)) {
    *err = path + ": is a symbolic link; refusing to replace it (name the "
           "file itself)";
    return false;
  }
  *err = path + ": exists and is a " + KindOf(st.st_mode) +
         ", not a regular file; refusing to replace it";
  return false;
}

bool WriteOutputFile(const std::string& path, const std::string& content,
                     std::string* err) {
  if (!CheckReplaceable(path, err)) return false;
  std::string tmp;
  int fd = CreateTemp(path, &tmp, err);
  if (fd < 0) return false;
  const char* step = nullptr;
  if (!WriteAll(fd, content)) step = "write";
  else if (::fsync(fd) != 0) step = "fsync";
  int saved = errno;
  if (::close(fd) != 0 && !step) {
    step = "close";
    saved = errno;
  }
  if (!step && ::rename(tmp.c_str(), path.c_str()) != 0) {
    step = "rename";
    saved = errno;
  }
  if (step) {
    ::unlink(tmp.c_str());
    *err = path + ": cannot write (" + step + ": " + Errno(saved) + ")";
    return false;
  }
  SyncDirectoryOf(path);
  return true;
}

}  // namespace oitwatch
