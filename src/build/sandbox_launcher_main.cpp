// The sandbox launcher's loop (see launchBuilder in sandbox_plan.h): a
// small, single-threaded process that clones one builder per request.
// Each request is a length, the two descriptors the builder needs (error
// pipe, log) as SCM_RIGHTS, and the encoded plan; the answer is the
// builder's pid once it has exec'ed (or failed), or -1 and a message.
//
// The builder is cloned with CLONE_VM: copying even this small process's
// page tables, and faulting its pages back in copy-on-write, was the
// larger part of starting one. So, as with vfork, the launcher waits until
// the child has exec'ed or exited before it touches its memory again, and
// meanwhile only writes the child's uid/gid maps, without the heap.
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

#include "build/sandbox_plan.h"

namespace bastion::build::detail {
namespace {

struct ChildArgs {
  const SandboxPlan *plan;
  const ChildStart *start;
};

int childEntry(void *p) {
  auto *a = static_cast<ChildArgs *>(p);
  runChild(*a->plan, *a->start);
}

void writeAll(int fd, const char *p, size_t n) {
  if (!sendAll(fd, p, n))
    ::_exit(1); // our caller is gone
}

void reply(int fd, int32_t pid, const std::string &error = "") {
  writeAll(fd, reinterpret_cast<const char *>(&pid), sizeof pid);
  if (pid > 0)
    return;
  uint32_t n = static_cast<uint32_t>(error.size());
  writeAll(fd, reinterpret_cast<const char *>(&n), sizeof n);
  writeAll(fd, error.data(), n);
}

std::string sysError(const char *what, int err) {
  return std::string(what) + ": " + ::strerrordesc_np(err);
}

// Best effort: the reader treats any text as the failure.
void putText(int fd, const char *s) {
  size_t n = std::strlen(s);
  while (n > 0) {
    ssize_t k = ::write(fd, s, n);
    if (k == -1 && errno == EINTR)
      continue;
    if (k <= 0)
      return;
    s += k;
    n -= static_cast<size_t>(k);
  }
}

// Clones, maps and releases the builder of `plan`; replies on `sock`.
void startBuilder(int sock, const SandboxPlan &plan, int errFd, int logFd, int rootFd,
                  char *stackTop) {
  int sync[2], exec[2];
  if (::pipe2(sync, O_CLOEXEC) == -1)
    return reply(sock, -1, sysError("creating a pipe", errno));
  if (::pipe2(exec, O_CLOEXEC) == -1) {
    int e = errno;
    ::close(sync[0]);
    ::close(sync[1]);
    return reply(sock, -1, sysError("creating a pipe", e));
  }
  std::vector<char *> argv = cStrings(plan.argv), envp = cStrings(plan.envp);
  ChildStart start{sync[0], errFd, logFd, rootFd, exec[1], argv.data(), envp.data()};
  ChildArgs args{&plan, &start};
  int flags = CLONE_VM | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS |
              CLONE_PARENT | SIGCHLD;
  if (plan.privateNetwork)
    flags |= CLONE_NEWNET;
  pid_t child = ::clone(childEntry, stackTop, flags, &args);
  int cloneErr = errno;
  ::close(sync[0]);
  ::close(exec[1]);
  if (child == -1) {
    ::close(sync[1]);
    ::close(exec[0]);
    return reply(sock, -1, sysError("creating sandboxed builder process using clone()", cloneErr));
  }

  // From here until `exec` reads EOF the child runs on our memory.
  IdMapFailure failure;
  if (int err = writeIdMaps(child, plan.hostUid, plan.hostGid, failure)) {
    putText(errFd, "writing '");
    putText(errFd, failure.path);
    putText(errFd, "': ");
    putText(errFd, ::strerrordesc_np(err));
  } else {
    ssize_t sent = ::write(sync[1], "1", 1); // if not, the child sees EOF and exits
    (void)sent;
  }
  ::close(sync[1]);
  char c;
  while (::read(exec[0], &c, 1) == -1 && errno == EINTR) {
  }
  ::close(exec[0]);
  // Setup failures reach the caller on errFd; it reaps the child.
  reply(sock, child);
}

} // namespace

void launcherMain(int fd) {
  // Descriptors the caller forgot to mark close-on-exec must not live on
  // here (a pipe's write end, say, would keep its reader from seeing EOF).
  if (fd > 3)
    ::close_range(3, static_cast<unsigned>(fd) - 1, 0);
  ::close_range(static_cast<unsigned>(fd) + 1, ~0U, 0);

  // Supplementary groups cannot be dropped once inside the new user
  // namespace (setgroups is denied there), so drop them now, for every
  // builder to come.
  int groupsErr = ::geteuid() == 0 && ::setgroups(0, nullptr) == -1 ? errno : 0;

  // One stack for every clone: a child is done with it once it has exec'ed.
  const size_t stackSize = 1 << 20;
  void *stack = ::mmap(nullptr, stackSize, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  int stackErr = stack == MAP_FAILED ? errno : 0;

  for (;;) {
    uint64_t len = 0;
    int fds[2] = {-1, -1};
    union {
      char buf[CMSG_SPACE(sizeof fds)];
      struct cmsghdr align;
    } control;
    struct iovec iov = {&len, sizeof len};
    struct msghdr msg = {};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.buf;
    msg.msg_controllen = sizeof control.buf;
    ssize_t n;
    do
      n = ::recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
    while (n == -1 && errno == EINTR);
    if (n <= 0)
      ::_exit(0); // our caller closed the socket (or exited)
    if (static_cast<size_t>(n) < sizeof len &&
        !recvAll(fd, reinterpret_cast<char *>(&len) + n, sizeof len - static_cast<size_t>(n)))
      ::_exit(1);
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    if (!c || c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN(sizeof fds))
      ::_exit(1);
    std::memcpy(fds, CMSG_DATA(c), sizeof fds);

    std::string bytes(len, '\0');
    if (!recvAll(fd, bytes.data(), len))
      ::_exit(1);
    SandboxPlan plan;
    if (!decodePlan(bytes, plan))
      ::_exit(1);

    std::string rootErr;
    int rootFd = -1;
    if (groupsErr)
      reply(fd, -1, sysError("setgroups failed", groupsErr));
    else if (stackErr)
      reply(fd, -1, sysError("allocating stack", stackErr));
    else if ((rootFd = rootTmpfs(plan, rootErr)) == -1 && !rootErr.empty())
      reply(fd, -1, rootErr);
    else
      startBuilder(fd, plan, fds[0], fds[1], rootFd, static_cast<char *>(stack) + stackSize);
    for (int f : fds)
      ::close(f);
    if (rootFd != -1)
      ::close(rootFd);
  }
}

} // namespace bastion::build::detail
