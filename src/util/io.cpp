// See io.h.
#include "util/io.h"

#include <unistd.h>

#include <cerrno>

#include "util/error.h"

namespace bastion::util {

void writeFull(int fd, std::string_view data, const std::string &what) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR)
        continue;
      throwSysError(what);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
}

size_t readFull(int fd, char *buf, size_t n, const std::string &what) {
  size_t got = 0;
  while (got < n) {
    ssize_t r = ::read(fd, buf + got, n - got);
    if (r < 0) {
      if (errno == EINTR)
        continue;
      throwSysError(what);
    }
    if (r == 0)
      break;
    got += static_cast<size_t>(r);
  }
  return got;
}

size_t readSome(int fd, char *buf, size_t n, const std::string &what) {
  for (;;) {
    ssize_t r = ::read(fd, buf, n);
    if (r >= 0)
      return static_cast<size_t>(r);
    if (errno != EINTR)
      throwSysError(what);
  }
}

std::string readAll(int fd, const std::string &what) {
  std::string out;
  char buf[65536];
  while (size_t n = readFull(fd, buf, sizeof buf, what)) {
    out.append(buf, n);
    if (n < sizeof buf)
      break;
  }
  return out;
}

} // namespace bastion::util
