// Starting a sandboxed builder: the parent's side of Nix 2.8's startBuilder.
//
// The build thread clones the builder itself, with the new namespaces and
// CLONE_VM: after evaluation this process is hundreds of megabytes, and a
// fork would copy its page tables (and fault its pages back in copy-on-
// write) for a child that only sets up mounts and execs. The child runs on
// our memory until then, so, as with vfork, this thread touches nothing it
// uses until the child has exec'ed or exited: it only writes the child's
// uid/gid maps and releases it. The child's setup (sandbox_child.cpp)
// reports failures as text on a close-on-exec pipe; EOF without text means
// the builder was exec'ed.
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

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

// The child's stack: it is done with it once it has exec'ed, which this
// thread waits for, so one per thread does.
constexpr size_t kChildStackSize = 256 << 10;

char *childStackTop() {
  struct Stack {
    void *base = nullptr;
    ~Stack() {
      if (base)
        ::munmap(base, kChildStackSize);
    }
  };
  thread_local Stack stack;
  if (!stack.base) {
    void *p = ::mmap(nullptr, kChildStackSize, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (p == MAP_FAILED)
      fail("allocating a stack for the builder");
    stack.base = p;
  }
  return static_cast<char *>(stack.base) + kChildStackSize;
}

// Supplementary groups cannot be dropped once inside the new user
// namespace (setgroups is denied there), so a root caller drops them
// before cloning. The raw system call changes this thread's credentials
// only (glibc's setgroups would change every thread's), and the child
// inherits them.
void dropSupplementaryGroups() {
  thread_local bool dropped = false;
  if (dropped || ::geteuid() != 0)
    return;
  if (::syscall(SYS_setgroups, 0, nullptr) == -1)
    fail("setgroups failed");
  dropped = true;
}

// Blocks every signal on this thread for as long as it lives: the child
// starts with our handlers, on our memory, and must not run one before it
// has reset them (runChild unblocks once they are the defaults).
struct SignalsBlocked {
  sigset_t old;
  SignalsBlocked() {
    sigset_t all;
    sigfillset(&all);
    ::pthread_sigmask(SIG_SETMASK, &all, &old);
  }
  ~SignalsBlocked() { ::pthread_sigmask(SIG_SETMASK, &old, nullptr); }
};

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
  dropSupplementaryGroups();
  std::string rootErr;
  int rootFd = detail::rootTmpfs(plan, rootErr);
  if (rootFd == -1 && !rootErr.empty())
    throw SandboxError("while setting up the build environment: " + rootErr);
  struct CloseRoot {
    int fd;
    ~CloseRoot() {
      if (fd != -1)
        ::close(fd);
    }
  } closeRoot{rootFd};

  Pipe sync, err;
  std::vector<char *> argv = detail::cStrings(plan.argv), envp = detail::cStrings(plan.envp);
  detail::ChildStart start{sync.r, err.w, spec.logFd, rootFd, argv.data(), envp.data()};
  ChildArgs args{&plan, &start};
  int flags =
      CLONE_VM | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS | SIGCHLD;
  if (plan.privateNetwork)
    flags |= CLONE_NEWNET;
  pid_t child;
  {
    SignalsBlocked blocked;
    child = ::clone(childEntry, childStackTop(), flags, &args);
  }
  if (child == -1)
    fail("creating sandboxed builder process using clone()");
  sync.closeRead();
  err.closeWrite();

  // Raw syscall: glibc 2.36's <sys/pidfd.h> lacks extern "C" for C++.
  int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, child, 0));
  int pidfdErr = errno;
  SandboxedProcess proc(child, pidfd); // kills and reaps on any throw below

  // From here until EOF on `err` the child runs on our memory: nothing it
  // uses may change, and failures are collected before anything throws.
  detail::IdMapFailure failure;
  int mapErr = detail::writeIdMaps(child, hostUid, hostGid, failure);
  if (mapErr == 0)
    writeAll(sync.w, "1", 1);
  sync.closeWrite(); // without the byte: the child exits
  std::string msg = readAll(err.r);

  if (mapErr != 0)
    fail(std::string("writing '") + failure.path + "'", mapErr);
  if (!msg.empty())
    throw SandboxError("while setting up the build environment: " + msg);
  if (pidfd == -1)
    fail("opening a pidfd for the builder", pidfdErr);
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
