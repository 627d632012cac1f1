// The child's half of the sandbox: from the freshly cloned process (new
// namespaces, no uid map yet) to execve of the builder. Follows Nix 2.8's
// runChild, except that the root is a tmpfs (see sandbox_chroot.cpp). The
// process shares the memory of the (multi-threaded) process that cloned
// it, so it sticks to system calls on what was prepared for it: no heap,
// no stdio, no locale, no exceptions.
#include <fcntl.h>
#include <linux/keyctl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <initializer_list>
#include <string>
#include <vector>

#include "build/sandbox_plan.h"

namespace bastion::build::detail {
namespace {

// Inside the user namespace: the builder's ids (Nix's sandboxUid/Gid).
constexpr uid_t kSandboxUid = 1000;
constexpr gid_t kSandboxGid = 100;

void put(int fd, const char *s) {
  size_t left = std::strlen(s);
  while (left > 0) {
    ssize_t n = ::write(fd, s, left);
    if (n == -1 && errno == EINTR)
      continue;
    if (n <= 0)
      return;
    s += n;
    left -= static_cast<size_t>(n);
  }
}

// Sends "<parts...>: <strerror(err)>" to the parent and exits.
[[noreturn]] void die(int errFd, std::initializer_list<const char *> parts, int err) {
  for (const char *p : parts)
    put(errFd, p);
  put(errFd, ": ");
  const char *desc = ::strerrordesc_np(err);
  put(errFd, desc ? desc : "unknown error");
  ::_exit(1);
}

void bringUpLoopback(int errFd) {
  int fd = ::socket(PF_INET, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_IP);
  if (fd == -1)
    die(errFd, {"cannot open IP socket"}, errno);
  struct ifreq ifr;
  std::memset(&ifr, 0, sizeof ifr);
  std::strcpy(ifr.ifr_name, "lo");
  ifr.ifr_flags = IFF_UP | IFF_LOOPBACK | IFF_RUNNING;
  if (::ioctl(fd, SIOCSIFFLAGS, &ifr) == -1)
    die(errFd, {"cannot set loopback interface flags"}, errno);
  ::close(fd);
}

// Creates the skeleton's files in the root tmpfs, with exactly the modes
// the plan gives (no umask).
void makeSkeleton(const SandboxPlan &plan, int errFd) {
  mode_t oldMask = ::umask(0);
  for (const SkeletonEntry &e : plan.skeleton) {
    const char *path = e.path.c_str();
    switch (e.kind) {
    case SkeletonEntry::kDir:
      if (::mkdir(path, e.mode) == -1)
        die(errFd, {"creating directory '", path, "'"}, errno);
      break;
    case SkeletonEntry::kFile: {
      int fd = ::open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, e.mode);
      if (fd == -1)
        die(errFd, {"creating '", path, "'"}, errno);
      const char *p = e.data.data();
      size_t left = e.data.size();
      while (left > 0) {
        ssize_t n = ::write(fd, p, left);
        if (n == -1 && errno == EINTR)
          continue;
        if (n <= 0)
          die(errFd, {"writing '", path, "'"}, n == 0 ? EIO : errno);
        p += n;
        left -= static_cast<size_t>(n);
      }
      ::close(fd);
      break;
    }
    case SkeletonEntry::kSymlink:
      if (::symlink(e.data.c_str(), path) == -1)
        die(errFd, {"creating symlink '", path, "'"}, errno);
      break;
    }
  }
  ::umask(oldMask);
}

void mountAll(const SandboxPlan &plan, int errFd, int rootFd) {
  // Mounts under a shared subtree would propagate to the host even from
  // a private namespace; making everything private here is local to it.
  if (::mount(nullptr, "/", nullptr, MS_PRIVATE | MS_REC, nullptr) == -1)
    die(errFd, {"unable to make '/' private"}, errno);

  // The root tmpfs goes over the build store dir, which comes back at
  // <root>/nix/store: a detached copy of it is taken first.
  const char *root = plan.rootDir.c_str();
  int storeFd = static_cast<int>(::open_tree(AT_FDCWD, root, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC));
  if (storeFd == -1)
    die(errFd, {"unable to clone the mount of '", root, "'"}, errno);
  if (rootFd != -1) {
    if (::move_mount(rootFd, "", AT_FDCWD, root, MOVE_MOUNT_F_EMPTY_PATH) == -1)
      die(errFd, {"unable to mount the root file system on '", root, "'"}, errno);
  } else if (::mount("none", root, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0750") == -1) {
    die(errFd, {"unable to mount a tmpfs on '", root, "'"}, errno);
  }
  makeSkeleton(plan, errFd);
  if (::move_mount(storeFd, "", AT_FDCWD, plan.storeMount.c_str(), MOVE_MOUNT_F_EMPTY_PATH) == -1)
    die(errFd, {"unable to mount the build store on '", plan.storeMount.c_str(), "'"}, errno);
  ::close(storeFd);

  for (const BindMount &b : plan.binds) {
    const char *src = b.source.c_str();
    const char *dst = b.target.c_str();
    if (::mount(src, dst, "", MS_BIND | (b.recursive ? MS_REC : 0), nullptr) == -1)
      die(errFd, {"bind mount from '", src, "' to '", dst, "' failed"}, errno);
    if (b.readOnly &&
        ::mount("", dst, "", MS_BIND | MS_REMOUNT | MS_RDONLY | b.keepFlags, nullptr) == -1)
      die(errFd, {"making '", dst, "' read-only"}, errno);
  }

  if (::mount("none", plan.procDir.c_str(), "proc", 0, nullptr) == -1)
    die(errFd, {"mounting /proc"}, errno);

  // A private tmpfs, so nothing the builder leaves in /dev/shm survives it.
  if (plan.mountShm && ::mount("none", plan.shmDir.c_str(), "tmpfs", 0, "size=50%") == -1)
    die(errFd, {"mounting /dev/shm"}, errno);

  if (plan.mountPts) {
    if (::mount("none", plan.ptsDir.c_str(), "devpts", 0, "newinstance,mode=0620") == 0) {
      if (::symlink("/dev/pts/ptmx", plan.ptmxLink.c_str()) == -1)
        die(errFd, {"creating symlink '", plan.ptmxLink.c_str(), "'"}, errno);
      // Some kernels create it with mode 0.
      if (::chmod(plan.ptsPtmx.c_str(), 0666) == -1)
        die(errFd, {"setting permissions on '", plan.ptsPtmx.c_str(), "'"}, errno);
    } else {
      if (errno != EINVAL)
        die(errFd, {"mounting /dev/pts"}, errno);
      if (::mount(plan.hostPts.c_str(), plan.ptsDir.c_str(), "", MS_BIND | MS_REC, nullptr) == -1)
        die(errFd, {"bind mount from '/dev/pts' failed"}, errno);
      int fd = ::open(plan.ptmxLink.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
      if (fd != -1)
        ::close(fd);
      if (::mount(plan.hostPtmx.c_str(), plan.ptmxLink.c_str(), "", MS_BIND | MS_REC, nullptr) ==
          -1)
        die(errFd, {"bind mount from '/dev/ptmx' failed"}, errno);
    }
  }
}

void enterRoot(const SandboxPlan &plan, int errFd) {
  const char *root = plan.rootDir.c_str();
  if (::chdir(root) == -1)
    die(errFd, {"cannot change directory to '", root, "'"}, errno);
  if (::mkdir("real-root", 0) == -1)
    die(errFd, {"cannot create real-root directory"}, errno);
  if (::syscall(SYS_pivot_root, ".", "real-root") == -1)
    die(errFd, {"cannot pivot old root directory onto '", root, "/real-root'"}, errno);
  if (::chroot(".") == -1)
    die(errFd, {"cannot change root directory to '", root, "'"}, errno);
  // Detach the host's file system: from here on only the chroot exists.
  if (::umount2("real-root", MNT_DETACH) == -1)
    die(errFd, {"cannot unmount real root filesystem"}, errno);
  if (::rmdir("real-root") == -1)
    die(errFd, {"cannot remove real-root directory"}, errno);
}

// The parent's handlers first, then its mask (all blocked, so that none
// of its handlers could run here on its memory).
void resetSignals() {
  for (int sig = 1; sig < NSIG; ++sig)
    ::signal(sig, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
}

} // namespace

int rootTmpfs(bool privileged, gid_t hostGid, std::string &error) {
  error.clear();
  if (!privileged)
    return -1;
  auto failed = [&](const char *what) {
    error = std::string(what) + ": " + ::strerrordesc_np(errno);
    return -1;
  };
  int fs = ::fsopen("tmpfs", FSOPEN_CLOEXEC);
  if (fs == -1)
    return failed("creating the sandbox's root file system (fsopen)");
  // 0750, host root and the builder's group: Nix's chroot root.
  std::string gid = std::to_string(hostGid);
  if (::fsconfig(fs, FSCONFIG_SET_STRING, "mode", "0750", 0) == -1 ||
      ::fsconfig(fs, FSCONFIG_SET_STRING, "uid", "0", 0) == -1 ||
      ::fsconfig(fs, FSCONFIG_SET_STRING, "gid", gid.c_str(), 0) == -1 ||
      ::fsconfig(fs, FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) == -1) {
    int e = errno;
    ::close(fs);
    errno = e;
    return failed("creating the sandbox's root file system (fsconfig)");
  }
  int mnt = ::fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
  int e = errno;
  ::close(fs);
  errno = e;
  if (mnt == -1)
    return failed("creating the sandbox's root file system (fsmount)");
  return mnt;
}

std::vector<char *> cStrings(const std::vector<std::string> &strings) {
  std::vector<char *> out;
  out.reserve(strings.size() + 1);
  for (const std::string &s : strings)
    out.push_back(const_cast<char *>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

namespace {

// What needs no plan: the network (loopback up) and the host name.
void prologue(bool privateNetwork, int errFd) {
  if (privateNetwork)
    bringUpLoopback(errFd);
  if (::sethostname("localhost", std::strlen("localhost")) == -1)
    die(errFd, {"cannot set host name"}, errno);
  if (::setdomainname("(none)", std::strlen("(none)")) == -1)
    die(errFd, {"cannot set domain name"}, errno);
}

// Waits for the parent's byte: our uid/gid maps are written (until then
// we have no ids inside the namespace) and, for a standby, the plan is set.
void waitForParent(int syncFd) {
  char ok = 0;
  ssize_t n;
  do
    n = ::read(syncFd, &ok, 1);
  while (n == -1 && errno == EINTR);
  if (n != 1 || ok != '1')
    ::_exit(1);
  ::close(syncFd);
}

// Closes every descriptor above 2 but those in `keep` (-1 entries ignored).
template <size_t N> void closeAllBut(std::array<int, N> keep) {
  std::sort(keep.begin(), keep.end());
  unsigned from = 3;
  for (int fd : keep) {
    if (fd < static_cast<int>(from))
      continue;
    if (static_cast<unsigned>(fd) > from)
      ::close_range(from, static_cast<unsigned>(fd) - 1, 0);
    from = static_cast<unsigned>(fd) + 1;
  }
  ::close_range(from, ~0U, 0);
}

// Our copy of the parent's descriptors is of the moment of clone(): it
// holds the write end of our own sync pipe (whose EOF must tell us the
// parent died) and whatever other threads had open then, such as another
// build's log pipe, whose reader would wait for us. Only 0-2 (replaced
// before exec) and ours stay.
void closeOthers(const ChildStart &start) {
  closeAllBut(std::array<int, 4>{start.syncFd, start.errFd, start.logFd, start.rootFd});
}

[[noreturn]] void finishChild(const SandboxPlan &plan, const ChildStart &start);

} // namespace

void runChild(const SandboxPlan &plan, const ChildStart &start) {
  closeOthers(start);
  resetSignals();
  waitForParent(start.syncFd);
  prologue(plan.privateNetwork, start.errFd);
  finishChild(plan, start);
}

void runStandbyChild(const StandbyStart &standby) {
  closeOthers(standby.start);
  resetSignals();
  prologue(true, standby.start.errFd);
  waitForParent(standby.start.syncFd);
  // Set by the parent before it wrote the byte.
  finishChild(*standby.plan, standby.start);
}

int childEntry(void *p) {
  auto *a = static_cast<ChildArgs *>(p);
  runChild(*a->plan, *a->start);
}

int standbyEntry(void *p) { runStandbyChild(*static_cast<StandbyStart *>(p)); }

namespace {

void finishChild(const SandboxPlan &plan, const ChildStart &start) {
  const int errFd = start.errFd;
  mountAll(plan, errFd, start.rootFd);
  if (start.rootFd != -1)
    ::close(start.rootFd);
  enterRoot(plan, errFd);

  if (::setgid(kSandboxGid) == -1)
    die(errFd, {"setgid failed"}, errno);
  if (::setuid(kSandboxUid) == -1)
    die(errFd, {"setuid failed"}, errno);

  if (::chdir("/build") == -1)
    die(errFd, {"changing into '/build'"}, errno);

  // Keyrings are not namespaced: the session keyring inherited from the
  // caller (a login's, from pam_keyinit) would be the builder's too, and
  // possessing it lets the builder read its keys and add to it; the kernel
  // also searches it on the builder's behalf (request_key upcalls, legacy
  // fscrypt keys). A fresh anonymous one of its own, made after setuid so
  // that the builder's ids own it. A kernel without keyrings has nothing
  // to leak (ENOSYS).
  if (::syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, nullptr) == -1 && errno != ENOSYS)
    die(errFd, {"creating a session keyring"}, errno);

  // Own session: no controlling terminal, no terminal signals.
  if (::setsid() == -1)
    die(errFd, {"creating a new session"}, errno);
  if (::dup2(start.logFd, STDOUT_FILENO) == -1 || ::dup2(start.logFd, STDERR_FILENO) == -1)
    die(errFd, {"cannot dup output pipe into stdout/stderr"}, errno);
  int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null == -1)
    die(errFd, {"cannot open '/dev/null'"}, errno);
  if (::dup2(null, STDIN_FILENO) == -1)
    die(errFd, {"cannot dup null device into stdin"}, errno);

  // Nothing of the caller's may leak in: close everything but 0-2 and the
  // (close-on-exec) error pipe.
  closeAllBut(std::array<int, 1>{errFd});

  // No core dumps by default, as Nix.
  struct rlimit core = {0, RLIM_INFINITY};
  ::setrlimit(RLIMIT_CORE, &core);

  const char *what = nullptr;
  if (int err = installSeccomp(plan.seccomp, &what))
    die(errFd, {what}, err);

  // If the caller goes away, so does the build (the PID namespace dies
  // with its init). Set after setuid, which would clear it.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);

  ::execve(plan.builder.c_str(), start.argv, start.envp);

  // As in Nix, a builder that cannot be executed is a failed build, not a
  // sandbox failure: say so in the log and exit 1.
  int err = errno;
  put(STDERR_FILENO, "executing '");
  put(STDERR_FILENO, plan.builder.c_str());
  put(STDERR_FILENO, "': ");
  put(STDERR_FILENO, ::strerrordesc_np(err));
  put(STDERR_FILENO, "\n");
  ::_exit(1);
}

} // namespace
} // namespace bastion::build::detail
