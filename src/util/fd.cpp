// See fd.h.
#include "util/fd.h"

#include <unistd.h>

#include "util/error.h"

namespace bastion::util {

void Fd::reset(int fd) {
  if (fd_ >= 0 && fd_ != fd)
    ::close(fd_);
  fd_ = fd;
}

void Fd::close(const char *what) {
  int fd = release();
  if (fd >= 0 && ::close(fd) != 0)
    throwSysError(what);
}

} // namespace bastion::util
