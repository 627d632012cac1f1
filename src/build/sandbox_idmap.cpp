// Writing a builder's uid/gid maps (Nix's: the sandbox user 1000 and group
// 100 are the host ids, nothing else exists inside). Called while the
// child runs on the caller's memory (see sandbox.cpp), so it uses no heap
// and sets errno only on failure.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "build/sandbox_plan.h"

namespace bastion::build::detail {
namespace {

// Appends the decimal digits of `v` at `p`; returns the new end.
char *putNumber(char *p, unsigned long v) {
  char digits[24];
  int n = 0;
  do
    digits[n++] = static_cast<char>('0' + v % 10);
  while ((v /= 10) != 0);
  while (n > 0)
    *p++ = digits[--n];
  return p;
}

char *putText(char *p, const char *s) {
  size_t n = std::strlen(s);
  std::memcpy(p, s, n);
  return p + n;
}

// One write(2): the kernel takes these files only whole.
int writeProcFile(pid_t pid, const char *name, const char *data, size_t len, IdMapFailure &f) {
  char *end = putText(putNumber(putText(f.path, "/proc/"), static_cast<unsigned long>(pid)), "/");
  *putText(end, name) = '\0';
  int fd = ::open(f.path, O_WRONLY | O_CLOEXEC);
  if (fd == -1)
    return errno;
  ssize_t n = ::write(fd, data, len);
  int err = n == -1 ? errno : n != static_cast<ssize_t>(len) ? EIO : 0;
  ::close(fd);
  return err;
}

} // namespace

int writeIdMaps(pid_t pid, uid_t hostUid, gid_t hostGid, IdMapFailure &failure) {
  char line[64];
  char *end = putNumber(putText(line, "1000 "), hostUid);
  end = putText(end, " 1");
  if (int err = writeProcFile(pid, "uid_map", line, static_cast<size_t>(end - line), failure))
    return err;
  // setgroups must be denied before an unprivileged caller may write
  // gid_map; it is denied always, so the builder cannot drop groups to get
  // around group permissions.
  if (int err = writeProcFile(pid, "setgroups", "deny", 4, failure))
    return err;
  end = putNumber(putText(line, "100 "), hostGid);
  end = putText(end, " 1");
  return writeProcFile(pid, "gid_map", line, static_cast<size_t>(end - line), failure);
}

} // namespace bastion::build::detail
