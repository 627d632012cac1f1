// See temp.h.
#include "util/temp.h"

#include <fcntl.h>

#include <cstdlib>
#include <exception>
#include <vector>

#include "util/error.h"
#include "util/file.h"

namespace bastion::util {

std::string tempRoot() {
  const char *tmp = ::getenv("TMPDIR");
  return tmp && *tmp ? tmp : "/tmp";
}

std::string createTempDirIn(const std::string &parent, const std::string &prefix,
                            const std::string &what) {
  std::string tmpl = parent + "/" + prefix + "XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back(0);
  if (!::mkdtemp(buf.data()))
    throwSysError("creating " + what + " in '" + tmpl + "'", tmpl);
  return buf.data();
}

std::string createTempDir(const std::string &prefix, const std::string &what) {
  return createTempDirIn(tempRoot(), prefix, what);
}

std::pair<Fd, std::string> createTempFileIn(const std::string &parent, const std::string &prefix) {
  std::string tmpl = parent + "/" + prefix + "XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back(0);
  Fd fd(::mkostemp(buf.data(), O_CLOEXEC));
  if (!fd)
    throwSysError("creating a temporary file in '" + tmpl + "'", tmpl);
  return {std::move(fd), std::string(buf.data())};
}

TempDir::~TempDir() {
  try {
    deletePath(path);
  } catch (std::exception &) {
  }
}

} // namespace bastion::util
