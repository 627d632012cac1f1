// The Linux build sandbox, modelled on Nix 2.8's (libstore/build/
// local-derivation-goal.cc, startBuilder + runChild): the builder runs as
// uid 1000 / gid 100 in fresh user, mount, PID, IPC, UTS and (unless it is a
// fixed-output derivation) network namespaces, pivot_root'ed into a root
// that holds only its inputs, a minimal /dev, /proc, /etc and /build.
//
// Everything the sandbox mounts lives in its private mount namespace, so
// nothing is left behind on the host whatever happens to the builder.
#pragma once

#include <sys/types.h>

#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace bastion::build {

// Setting up the sandbox failed (in the parent, or in the child before the
// builder was exec'ed). what() reads e.g. "while setting up the build
// environment: mounting /proc: Operation not permitted".
struct SandboxError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The host uid (and gid) the sandbox's uid 1000 (gid 100) maps to when the
// caller is root and names none: an otherwise unused, unprivileged id, so a
// builder that escaped its namespaces would still be nobody on the host.
inline constexpr uid_t kDefaultSandboxHostId = 30000;

struct SandboxSpec {
  std::string builder;                    // path inside the sandbox
  std::vector<std::string> args;          // argv[1..]; argv[0] is basename(builder), as in Nix
  std::map<std::string, std::string> env; // exactly the builder's environment
  std::string storeDir = "/nix/store";    // logical store directory
  std::string realStoreDir;               // where store paths live on the host ("" = storeDir)
  // Logical store paths of the input closure, each visible read-only at
  // its logical path (directories and files bind-mounted read-only,
  // symlinks recreated).
  std::set<std::string> inputPaths;
  // sandbox-paths: inside path -> host path (file or directory), bind-mounted
  // as Nix does (recursive, not read-only). A host path ending in '?' is
  // optional: skipped when it does not exist.
  std::map<std::string, std::string> extraPaths;
  std::string buildDir; // host dir, appears as /build (cwd, TMPDIR)
  // Host directory that the builder sees as the store directory: its
  // outputs land here, and the input paths are mounted over entries made
  // here. Created if missing, must be empty otherwise, and must be on the
  // same file system as realStoreDir so the caller can rename outputs
  // from <buildStoreDir>/<name> into the real store. Left in place
  // (outputs included) for the caller to move from and delete. The rest
  // of the sandbox's root is a tmpfs that exists only in the builder's
  // mount namespace, so it costs no inodes on disk and needs no cleaning.
  std::string buildStoreDir;
  bool network = false; // fixed-output: share the host's network
  // "kvm" is in system-features: the host's /dev/kvm, when it has one, is
  // bound into the sandbox's /dev, as Nix 2.8 does.
  bool kvm = false;
  // The builder's stdout and stderr; -1: a pipe whose read end the
  // SandboxedProcess holds (takeLogFd).
  int logFd = 2;
  // Host ids behind uid 1000 / gid 100. -1: the caller's own ids when it is
  // not root; kDefaultSandboxHostId when it is root (give each concurrent
  // build its own id, e.g. 30000 + slot).
  long hostUid = -1;
  long hostGid = -1;
};

// Nix's sandbox-paths syntax: whitespace-separated "path", "target=source",
// each optionally ending in '?' (optional). The result maps target to
// source; optional sources keep their trailing '?', as SandboxSpec expects.
std::map<std::string, std::string> parseSandboxPaths(const std::string &value);

// A builder running in a sandbox. The destructor kills it (SIGKILL to the
// PID namespace's init takes every process in the sandbox with it) and
// reaps it unless wait() already did.
class SandboxedProcess {
public:
  SandboxedProcess(pid_t pid, int pidfd, int logFd = -1)
      : pid_(pid), pidfd_(pidfd), logFd_(logFd) {}
  SandboxedProcess(SandboxedProcess &&o) noexcept;
  SandboxedProcess &operator=(SandboxedProcess &&) = delete;
  SandboxedProcess(const SandboxedProcess &) = delete;
  ~SandboxedProcess();

  pid_t pid() const { return pid_; }
  // Cancels the build. Safe to call from another thread while wait()
  // blocks: it signals through a pidfd, so it can never hit a recycled pid.
  void kill();
  // Blocks until the builder exits; returns its wait status (as waitpid).
  int wait();
  // The read end of the builder's log pipe (spec.logFd -1), now the
  // caller's to close; -1 when there is none.
  int takeLogFd() {
    int fd = logFd_;
    logFd_ = -1;
    return fd;
  }

private:
  pid_t pid_;
  int pidfd_;
  int logFd_;
  int status_ = -1;
  bool reaped_ = false;
};

// A sandboxed child cloned ahead of the next build, while the current
// builder runs: its namespaces made (a private network with loopback up),
// host name set, ids mapped, log pipe ready, waiting for its plan. Creating
// namespaces is a large part of starting a builder, and at one job at a
// time the other CPU can do it meanwhile. Used by startSandboxed when the
// next build matches (same host ids, a private network and a log pipe),
// else killed; one that cannot be made is simply absent.
class SandboxStandby {
public:
  SandboxStandby();
  ~SandboxStandby(); // kills and reaps an unused child
  SandboxStandby(const SandboxStandby &) = delete;
  SandboxStandby &operator=(const SandboxStandby &) = delete;
  // Clones the child for a build with `spec`'s host ids (its other
  // fields do not matter), unless one is ready.
  void prepare(const SandboxSpec &spec);
  struct State;

private:
  friend SandboxedProcess startSandboxed(const SandboxSpec &, SandboxStandby *);
  State *s_;
};

// Sets up the sandbox and execs the builder in it, in `standby`'s child if
// it has a matching one. Throws SandboxError when the sandbox cannot be set
// up. The builder process is a child of the calling process and receives
// SIGKILL if the calling *thread* exits.
SandboxedProcess startSandboxed(const SandboxSpec &spec, SandboxStandby *standby = nullptr);

// startSandboxed + wait: the builder's wait status.
int runSandboxed(const SandboxSpec &spec);

// Whether this process can create the sandbox's namespaces; if not, `why`
// (when given) says what to check.
bool sandboxSupported(std::string *why = nullptr);

} // namespace bastion::build
