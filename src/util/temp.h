// Temporary files and directories, created with mkstemp/mkdtemp so no
// other process can have them first.
#pragma once

#include <string>
#include <utility>

#include "util/fd.h"

namespace bastion::util {

// "$TMPDIR" or "/tmp".
std::string tempRoot();
// A fresh directory "<parent>/<prefix>XXXXXX"; `what` names it in the
// error ("creating <what> in '…'").
std::string createTempDirIn(const std::string &parent, const std::string &prefix,
                            const std::string &what = "a temporary directory");
// The same in tempRoot().
std::string createTempDir(const std::string &prefix,
                          const std::string &what = "a temporary directory");
// A fresh file "<parent>/<prefix>XXXXXX", open for reading and writing.
std::pair<Fd, std::string> createTempFileIn(const std::string &parent, const std::string &prefix);

// A directory deleted, contents and all, however the scope is left.
struct TempDir {
  std::string path;
  explicit TempDir(const std::string &prefix) : path(createTempDir(prefix)) {}
  ~TempDir();
  TempDir(const TempDir &) = delete;
  TempDir &operator=(const TempDir &) = delete;
};

} // namespace bastion::util
