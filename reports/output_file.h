// Writing a report file the user named (`report --out FILE`, the pages of
// `--format html --out DIR`) atomically and without being turned against the
// user: a unique temp file beside the target, created O_EXCL|O_NOFOLLOW (a
// symlink or file planted at a guessable name is never followed or reused),
// written, fsynced, then renamed over the target; removed on every error.
// A target that exists and is not a regular file is refused before
// anything is written, since rename would replace the node itself: a
// device (/dev/full), a FIFO, a socket, a directory, and any symlink (as
// root, `--out /dev/stdout` with stdout redirected to a file would replace
// the system's /dev/stdout link; a link planted at a page name is not
// followed either). Thread-compatible.
#ifndef OITWATCH_REPORTS_OUTPUT_FILE_H_
#define OITWATCH_REPORTS_OUTPUT_FILE_H_

#include <string>

namespace oitwatch {

// True if `path` does not exist or is a regular file. Otherwise false with
// "PATH: exists and is a <kind>, not a regular file; ..." or "PATH: is a
// symbolic link; ..." in *err.
bool CheckReplaceable(const std::string& path, std::string* err);

// Writes `content` to `path` as described above; the new file's mode is
// 0666 less the umask. Returns false with "PATH: what failed (strerror)"
// in *err, leaving `path` as it was and no temp file behind.
bool WriteOutputFile(const std::string& path, const std::string& content,
                     std::string* err);

}  // namespace oitwatch

#endif  // OITWATCH_REPORTS_OUTPUT_FILE_H_
