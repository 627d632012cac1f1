/* Static helper bind-mounted into the sandbox by run.py: tries the system
 * calls the seccomp filter must refuse and prints one line per attempt,
 * "<call> <errno name or OK>". Static so it needs nothing from the store. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

static void report(const char *what, long rc) {
  printf("%s %s\n", what, rc == 0 ? "OK" : strerrorname_np(errno));
}

int main(int argc, char **argv) {
  const char *f = argc > 1 ? argv[1] : "/build/probe-file";
  int fd = open(f, O_RDWR | O_CREAT, 0644);
  if (fd < 0) {
    perror(f);
    return 1;
  }
  report("chmod-suid", chmod(f, 04755));
  report("chmod-sgid", chmod(f, 02755));
  report("fchmod-suid", fchmod(fd, 04755));
  report("fchmodat-suid", fchmodat(AT_FDCWD, f, 04755, 0));
  report("fchmodat2-suid", syscall(452, AT_FDCWD, f, 04755, 0));
  report("chmod-plain", chmod(f, 0755));
  report("setxattr", setxattr(f, "user.bastion", "x", 1, 0));
  report("lsetxattr", lsetxattr(f, "user.bastion", "x", 1, 0));
  report("fsetxattr", fsetxattr(fd, "user.bastion", "x", 1, 0));
  struct stat st;
  fstat(fd, &st);
  printf("mode %o\n", (unsigned)(st.st_mode & 07777));
  return 0;
}
