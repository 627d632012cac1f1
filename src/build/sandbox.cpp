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
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "build/sandbox_plan.h"
#include "util/fd.h"

namespace bastion::build {
namespace {

using detail::SandboxPlan;

[[noreturn]] void fail(const std::string &what, int err = errno) {
  throw SandboxError("while setting up the build environment: " + what + ": " + std::strerror(err));
}

// Close-on-exec pipe whose ends are >= 3, so the child's dup2 onto 0-2
// cannot clobber them even if the caller runs with a standard fd closed.
// kSocket makes it a socket pair instead, for releaseChild.
struct Pipe {
  enum Kind { kPipe, kSocket };
  int r = -1, w = -1;
  explicit Pipe(Kind kind = kPipe) {
    int fds[2];
    if ((kind == kSocket ? ::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds)
                         : ::pipe2(fds, O_CLOEXEC)) == -1)
      fail("creating a pipe");
    r = high(fds[0]);
    w = high(fds[1]);
  }
  Pipe(const Pipe &) = delete;
  Pipe &operator=(const Pipe &) = delete;
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

// The byte that releases a child waiting in waitForParent. A socket, so
// that a child which already died (a standby whose set-up failed) costs
// EPIPE rather than a SIGPIPE that would kill us.
void releaseChild(int fd) {
  while (::send(fd, "1", 1, MSG_NOSIGNAL) == -1 && errno == EINTR) {
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

// A child's stack: it is done with it once it has exec'ed, which the
// parent waits for.
class ChildStack {
public:
  ChildStack() = default;
  ChildStack(const ChildStack &) = delete;
  ChildStack &operator=(const ChildStack &) = delete;
  ~ChildStack() {
    if (base_)
      ::munmap(base_, kSize);
  }
  char *top() {
    if (!base_) {
      void *p = ::mmap(nullptr, kSize, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
      if (p == MAP_FAILED)
        fail("allocating a stack for the builder");
      base_ = p;
    }
    return static_cast<char *>(base_) + kSize;
  }

private:
  static constexpr size_t kSize = 256 << 10;
  void *base_ = nullptr;
};

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

struct HostIds {
  uid_t uid;
  gid_t gid;
};

HostIds hostIds(const SandboxSpec &spec) {
  const bool root = ::geteuid() == 0;
  uid_t uid = spec.hostUid >= 0 ? static_cast<uid_t>(spec.hostUid)
              : root            ? kDefaultSandboxHostId
                                : ::getuid();
  gid_t gid = spec.hostGid >= 0 ? static_cast<gid_t>(spec.hostGid)
              : root            ? static_cast<gid_t>(uid)
                                : ::getgid();
  if (root && (uid == 0 || gid == 0))
    throw SandboxError(
        "while setting up the build environment: refusing to run a builder as host root");
  return {uid, gid};
}

int openRootTmpfs(gid_t hostGid) {
  std::string error;
  int fd = detail::rootTmpfs(::geteuid() == 0, hostGid, error);
  if (fd == -1 && !error.empty())
    throw SandboxError("while setting up the build environment: " + error);
  return fd;
}

int pidfdOpen(pid_t pid) {
  // Raw syscall: glibc 2.36's <sys/pidfd.h> lacks extern "C" for C++.
  return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
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

// The builder's process: new user, PID, mount, IPC, UTS and (unless the
// build may use the host's) network namespaces, on our memory, with every
// signal blocked until the child has reset our handlers.
pid_t cloneChild(int (*entry)(void *), char *stackTop, void *arg, bool privateNetwork) {
  int flags =
      CLONE_VM | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS | SIGCHLD;
  if (privateNetwork)
    flags |= CLONE_NEWNET;
  SignalsBlocked blocked;
  return ::clone(entry, stackTop, flags, arg);
}

} // namespace

SandboxedProcess::SandboxedProcess(SandboxedProcess &&o) noexcept
    : pid_(o.pid_), pidfd_(o.pidfd_), logFd_(o.logFd_), status_(o.status_), reaped_(o.reaped_) {
  o.pid_ = -1;
  o.pidfd_ = -1;
  o.logFd_ = -1;
  o.reaped_ = true;
}

SandboxedProcess::~SandboxedProcess() {
  if (pid_ != -1 && !reaped_) {
    kill();
    wait();
  }
  if (pidfd_ != -1)
    ::close(pidfd_);
  if (logFd_ != -1)
    ::close(logFd_);
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

struct SandboxStandby::State {
  HostIds ids{};
  pid_t pid = -1;
  int pidfd = -1;
  std::unique_ptr<Pipe> sync, err, log; // our ends: sync->w, err->r, log->r
  detail::StandbyStart shared;          // read by the child once released
  std::vector<char *> argv, envp;
  ChildStack stack;

  // Kills and reaps the waiting child, if any.
  void discard() {
    if (pid != -1) {
      SandboxedProcess doomed(pid, pidfd); // its destructor kills and reaps
    }
    pid = -1;
    pidfd = -1;
    sync.reset();
    err.reset();
    log.reset();
  }
};

SandboxStandby::SandboxStandby() : s_(new State) {}

SandboxStandby::~SandboxStandby() {
  s_->discard();
  delete s_;
}

void SandboxStandby::prepare(const SandboxSpec &spec) {
  State &s = *s_;
  if (s.pid != -1)
    return;
  try {
    s.ids = hostIds(spec);
    dropSupplementaryGroups();
    util::Fd root(openRootTmpfs(s.ids.gid));
    s.sync = std::make_unique<Pipe>(Pipe::kSocket);
    s.err = std::make_unique<Pipe>();
    s.log = std::make_unique<Pipe>();
    s.shared = {};
    s.shared.start = {s.sync->r, s.err->w, s.log->w, root.get(), nullptr, nullptr};
    pid_t child = cloneChild(detail::standbyEntry, s.stack.top(), &s.shared, true);
    s.sync->closeRead();
    s.err->closeWrite();
    s.log->closeWrite();
    if (child == -1) {
      s.discard();
      return;
    }
    s.pid = child;
    s.pidfd = pidfdOpen(child);
    detail::IdMapFailure failure;
    if (s.pidfd == -1 || detail::writeIdMaps(child, s.ids.uid, s.ids.gid, failure) != 0)
      s.discard(); // the build will clone afresh, and report what fails then
  } catch (SandboxError &) {
    s.discard();
  }
}

SandboxedProcess startSandboxed(const SandboxSpec &spec, SandboxStandby *standby) {
  HostIds ids = hostIds(spec);
  SandboxPlan plan = detail::prepareSandbox(spec, ids.uid, ids.gid);

  // The standby's child, if it fits this build.
  if (standby && standby->s_->pid != -1) {
    SandboxStandby::State &s = *standby->s_;
    if (spec.logFd == -1 && plan.privateNetwork && s.ids.uid == ids.uid && s.ids.gid == ids.gid) {
      s.argv = detail::cStrings(plan.argv);
      s.envp = detail::cStrings(plan.envp);
      s.shared.plan = &plan;
      s.shared.start.argv = s.argv.data();
      s.shared.start.envp = s.envp.data();
      SandboxedProcess proc(s.pid, s.pidfd, s.log->r);
      s.pid = -1;
      s.pidfd = -1;
      s.log->r = -1;
      // From the byte until EOF on `err` the child reads `plan`.
      releaseChild(s.sync->w);
      std::string msg = readAll(s.err->r);
      s.sync.reset();
      s.err.reset();
      s.log.reset();
      if (!msg.empty())
        throw SandboxError("while setting up the build environment: " + msg);
      return proc;
    }
    s.discard();
  }

  dropSupplementaryGroups();
  util::Fd root(openRootTmpfs(ids.gid));
  Pipe sync(Pipe::kSocket), err;
  std::optional<Pipe> log; // spec.logFd -1: ours, its read end the caller's
  if (spec.logFd == -1)
    log.emplace();
  std::vector<char *> argv = detail::cStrings(plan.argv), envp = detail::cStrings(plan.envp);
  detail::ChildStart start{sync.r,     err.w,       log ? log->w : spec.logFd,
                           root.get(), argv.data(), envp.data()};
  detail::ChildArgs args{&plan, &start};
  thread_local ChildStack stack;
  pid_t child = cloneChild(detail::childEntry, stack.top(), &args, plan.privateNetwork);
  if (child == -1)
    fail("creating sandboxed builder process using clone()");
  sync.closeRead();
  err.closeWrite();
  root.reset();
  int logRead = -1;
  if (log) {
    log->closeWrite();
    logRead = std::exchange(log->r, -1);
  }

  int pidfd = pidfdOpen(child);
  int pidfdErr = errno;
  SandboxedProcess proc(child, pidfd, logRead); // kills and reaps on any throw below

  // From here until EOF on `err` the child runs on our memory: nothing it
  // uses may change, and failures are collected before anything throws.
  detail::IdMapFailure failure;
  int mapErr = detail::writeIdMaps(child, ids.uid, ids.gid, failure);
  if (mapErr == 0)
    releaseChild(sync.w);
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
