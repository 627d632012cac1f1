// Starting a sandboxed builder: the parent's side of Nix 2.8's startBuilder.
//
// The sandbox launcher (a small process re-executed from this binary, see
// sandbox_launcher.cpp) or, failing that, a helper forked from this
// process calls clone() with the new namespaces and CLONE_PARENT, so the
// builder is our own child yet is created by a single-threaded process.
// The builder's uid/gid maps are written (by the launcher, or by us for a
// forked builder) and it is released; it sets up its mounts (sandbox_child.cpp) and execs. Setup
// errors come back as text on a close-on-exec pipe: EOF without text means the builder was exec'ed.
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "build/sandbox_plan.h"

namespace bastion::build {
namespace {

using detail::SandboxPlan;

[[noreturn]] void fail(const std::string &what, int err = errno) {
  throw SandboxError("while setting up the build environment: " + what + ": " + std::strerror(err));
}

// Close-on-exec pipe whose ends are >= 3, so the child's dup2 onto 0-2
// cannot clobber them even if the caller runs with a standard fd closed.
struct Pipe {
  int r = -1, w = -1;
  Pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) == -1)
      fail("creating a pipe");
    r = high(fds[0]);
    w = high(fds[1]);
  }
  ~Pipe() {
    closeRead();
    closeWrite();
  }
  void closeRead() {
    if (r != -1)
      ::close(r);
    r = -1;
  }
  void closeWrite() {
    if (w != -1)
      ::close(w);
    w = -1;
  }
  static int high(int fd) {
    if (fd >= 3)
      return fd;
    int n = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
    ::close(fd);
    if (n == -1)
      fail("duplicating a pipe");
    return n;
  }
};

void writeAll(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t k = ::write(fd, p, n);
    if (k == -1 && errno == EINTR)
      continue;
    if (k <= 0)
      return;
    p += k;
    n -= static_cast<size_t>(k);
  }
}

std::string readAll(int fd) {
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n == -1 && errno == EINTR)
      continue;
    if (n <= 0)
      return out;
    out.append(buf, static_cast<size_t>(n));
  }
}

int waitFor(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) == -1)
    if (errno != EINTR)
      return -1;
  return status;
}

struct ChildArgs {
  const SandboxPlan *plan;
  const detail::ChildStart *start;
};

int childEntry(void *p) {
  auto *a = static_cast<ChildArgs *>(p);
  detail::runChild(*a->plan, *a->start);
}

// In the forked helper: never returns.
[[noreturn]] void helperMain(const SandboxPlan &plan, Pipe &sync, Pipe &err, Pipe &pid, int logFd) {
  auto die = [&](const char *what) {
    int e = errno;
    writeAll(err.w, what, std::strlen(what));
    const char *d = ::strerrordesc_np(e);
    writeAll(err.w, ": ", 2);
    writeAll(err.w, d, std::strlen(d));
    ::_exit(1);
  };
  // Closed here so the builder inherits only the ends it uses (a builder
  // holding sync's write end would never see EOF if we die).
  ::close(sync.w);
  ::close(err.r);
  ::close(pid.r);

  // Supplementary groups cannot be dropped once inside the new user
  // namespace (setgroups is denied there), so drop them now.
  if (::geteuid() == 0 && ::setgroups(0, nullptr) == -1)
    die("setgroups failed");

  const size_t stackSize = 1 << 20;
  void *stack = ::mmap(nullptr, stackSize, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (stack == MAP_FAILED)
    die("allocating stack");

  std::string rootErr;
  int rootFd = detail::rootTmpfs(plan, rootErr);
  if (rootFd == -1 && !rootErr.empty()) {
    writeAll(err.w, rootErr.data(), rootErr.size());
    ::_exit(1);
  }

  int flags = CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS |
              CLONE_PARENT | SIGCHLD;
  if (plan.privateNetwork)
    flags |= CLONE_NEWNET;
  std::vector<char *> argv = detail::cStrings(plan.argv), envp = detail::cStrings(plan.envp);
  detail::ChildStart start{sync.r, err.w, logFd, rootFd, -1, argv.data(), envp.data()};
  ChildArgs args{&plan, &start};
  pid_t child = ::clone(childEntry, static_cast<char *>(stack) + stackSize, flags, &args);
  if (child == -1)
    die("creating sandboxed builder process using clone()");
  writeAll(pid.w, reinterpret_cast<const char *>(&child), sizeof child);
  ::_exit(0);
}

// Without the launcher (it could not be started): a helper forked from
// this process clones the builder. Returns the builder's pid.
pid_t forkBuilder(const SandboxPlan &plan, Pipe &sync, Pipe &err, int logFd) {
  Pipe pidPipe;
  pid_t helper = ::fork();
  if (helper == -1)
    fail("forking");
  if (helper == 0)
    helperMain(plan, sync, err, pidPipe, logFd);
  pidPipe.closeWrite();

  int helperStatus = waitFor(helper);
  pid_t child = -1;
  // Exactly one pid_t, not until EOF: the builder inherited the write end.
  std::string got;
  if (helperStatus == 0) {
    char buf[sizeof child];
    ssize_t n;
    do
      n = ::read(pidPipe.r, buf, sizeof buf);
    while (n == -1 && errno == EINTR);
    if (n > 0)
      got.assign(buf, static_cast<size_t>(n));
  }
  if (helperStatus != 0 || got.size() != sizeof child) {
    err.closeWrite();
    throw SandboxError(
        "while setting up the build environment: " +
        (helperStatus != 0 ? readAll(err.r) : std::string("the helper process failed")));
  }
  std::memcpy(&child, got.data(), sizeof child);
  return child;
}

} // namespace

SandboxedProcess::SandboxedProcess(SandboxedProcess &&o) noexcept
    : pid_(o.pid_), pidfd_(o.pidfd_), status_(o.status_), reaped_(o.reaped_) {
  o.pid_ = -1;
  o.pidfd_ = -1;
  o.reaped_ = true;
}

SandboxedProcess::~SandboxedProcess() {
  if (pid_ != -1 && !reaped_) {
    kill();
    wait();
  }
  if (pidfd_ != -1)
    ::close(pidfd_);
}

void SandboxedProcess::kill() {
  // The builder is init of its PID namespace: when it dies the kernel
  // kills everything else in the sandbox.
  if (pidfd_ != -1)
    ::syscall(SYS_pidfd_send_signal, pidfd_, SIGKILL, nullptr, 0);
  else if (pid_ != -1 && !reaped_)
    ::kill(pid_, SIGKILL); // no pidfd (pidfd_open failed): not yet reaped, so still ours
}

int SandboxedProcess::wait() {
  if (!reaped_ && pid_ != -1) {
    status_ = waitFor(pid_);
    reaped_ = true;
  }
  return status_;
}

SandboxedProcess startSandboxed(const SandboxSpec &spec) {
  const bool root = ::geteuid() == 0;
  uid_t hostUid = spec.hostUid >= 0 ? static_cast<uid_t>(spec.hostUid)
                  : root            ? kDefaultSandboxHostId
                                    : ::getuid();
  gid_t hostGid = spec.hostGid >= 0 ? static_cast<gid_t>(spec.hostGid)
                  : root            ? static_cast<gid_t>(hostUid)
                                    : ::getgid();
  if (root && (hostUid == 0 || hostGid == 0))
    throw SandboxError(
        "while setting up the build environment: refusing to run a builder as host root");

  SandboxPlan plan = detail::prepareSandbox(spec, hostUid, hostGid);

  Pipe sync, err;
  std::string launchError;
  pid_t child = detail::launchBuilder(plan, err.w, spec.logFd, launchError);
  const bool launched = child != -1;
  if (!launched && !launchError.empty())
    throw SandboxError("while setting up the build environment: " + launchError);
  if (!launched)
    child = forkBuilder(plan, sync, err, spec.logFd);
  sync.closeRead();
  err.closeWrite();

  // Raw syscall: glibc 2.36's <sys/pidfd.h> lacks extern "C" for C++.
  int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, child, 0));
  SandboxedProcess proc(child, pidfd); // kills and reaps on any throw below
  if (pidfd == -1)
    fail("opening a pidfd for the builder");

  // The launcher has mapped and released its builder; a forked one waits
  // for us.
  if (!launched) {
    detail::IdMapFailure failure;
    if (int e = detail::writeIdMaps(child, hostUid, hostGid, failure))
      fail(std::string("writing '") + failure.path + "'", e);
    writeAll(sync.w, "1", 1);
  }
  sync.closeWrite();

  std::string msg = readAll(err.r);
  if (!msg.empty())
    throw SandboxError("while setting up the build environment: " + msg);
  return proc;
}

int runSandboxed(const SandboxSpec &spec) { return startSandboxed(spec).wait(); }

bool sandboxSupported(std::string *why) {
  auto no = [&](const std::string &reason) {
    if (why)
      *why = reason;
    return false;
  };
  std::string max;
  if (int fd = ::open("/proc/sys/user/max_user_namespaces", O_RDONLY | O_CLOEXEC); fd != -1) {
    max = readAll(fd);
    ::close(fd);
    if (max.rfind("0", 0) == 0 && (max.size() == 1 || max[1] == '\n'))
      return no("user namespaces are disabled; check /proc/sys/user/max_user_namespaces");
  }
  if (::access("/proc/self/ns/user", F_OK) == -1)
    return no(
        "/proc/self/ns/user does not exist; the kernel was likely built without CONFIG_USER_NS=y");

  // The real test: can a child create every namespace the sandbox uses?
  pid_t pid = ::fork();
  if (pid == -1)
    return no(std::string("fork failed: ") + std::strerror(errno));
  if (pid == 0) {
    int flags =
        CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNET;
    ::_exit(::unshare(flags) == 0 ? 0 : (errno & 0x7f) + 1);
  }
  int status = waitFor(pid);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
    return true;
  int e = WIFEXITED(status) ? WEXITSTATUS(status) - 1 : 0;
  std::string reason =
      std::string("cannot create namespaces: ") + (e ? std::strerror(e) : "child crashed");
  if (int fd = ::open("/proc/sys/kernel/unprivileged_userns_clone", O_RDONLY | O_CLOEXEC);
      fd != -1) {
    std::string v = readAll(fd);
    ::close(fd);
    if (v.rfind("0", 0) == 0)
      reason += "; check /proc/sys/kernel/unprivileged_userns_clone";
  }
  return no(reason);
}

} // namespace bastion::build
