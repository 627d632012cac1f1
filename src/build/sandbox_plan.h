// Internal to the sandbox: what the child has to do, worked out in the
// parent beforehand. The child runs on the memory of a multi-threaded
// process (clone with CLONE_VM), so it only walks this plan with plain
// system calls: every path, flag and string is ready before it starts.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "build/sandbox.h"

namespace bastion::build::detail {

struct BindMount {
  std::string source;          // host path
  std::string target;          // host path under the root dir (as the child sees it)
  bool recursive = false;      // MS_REC (sandbox-paths, as Nix does)
  bool readOnly = false;       // remount read-only (input paths)
  unsigned long keepFlags = 0; // nosuid/nodev/noexec/atime flags of the source mount: a
                               // read-only remount inside a user namespace must repeat them
};

// One file of the root tmpfs, made by the child before any bind mount.
struct SkeletonEntry {
  enum Kind : unsigned char { kDir, kFile, kSymlink };
  Kind kind = kDir;
  std::string path; // host path under the root dir (as the child sees it)
  mode_t mode = 0755;
  std::string data; // a file's contents, a symlink's target
};

struct SandboxPlan {
  // The build's store dir on the host. The child attaches the root tmpfs
  // here (in its own mount namespace) after taking a detached copy of the
  // directory, which it then mounts back at storeMount.
  std::string rootDir;
  std::string storeMount;              // rootDir + the logical store dir
  std::vector<SkeletonEntry> skeleton; // parents first
  std::vector<BindMount> binds;        // sorted by target, so parents come first
  bool privateNetwork = true;
  bool mountShm = false; // the host has /dev/shm
  bool mountPts = false; // the host has /dev/pts/ptmx (devpts newinstance)
  std::string procDir, shmDir, ptsDir, ptmxLink, ptsPtmx, hostPts, hostPtmx;
  std::string builder;
  std::vector<std::string> argv, envp; // "NAME=value"
  std::string seccomp;                 // seccompProgram()
};

// Makes the build store dir on disk (with the mount points of the input
// paths) and works out everything else of the sandbox: the tmpfs skeleton
// and the mounts. Throws SandboxError.
SandboxPlan prepareSandbox(const SandboxSpec &spec, uid_t hostUid, gid_t hostGid);

// For a privileged sandbox: a detached tmpfs (new mount API), owned by host
// root and the builder's group, for the child to attach as its root.
// Returns the mount's descriptor (close-on-exec), or -1 with `error` set.
// Called by whoever clones the child, before clone(), so the child
// inherits it. An unprivileged sandbox needs none: returns -1, error empty.
int rootTmpfs(bool privileged, gid_t hostGid, std::string &error);

// What the cloned child is handed besides the plan. Everything is ready
// before clone(): the child shares the memory of the process that cloned
// it, so it must not allocate.
struct ChildStart {
  int syncFd = -1;             // delivers one byte once the uid/gid maps are written
  int errFd = -1;              // setup failures as text (close-on-exec: EOF once exec'ed)
  int logFd = -1;              // the builder's stdout and stderr
  int rootFd = -1;             // rootTmpfs's result; -1: the child mounts a tmpfs itself,
                               // owned by the builder's ids (an unprivileged caller)
  char *const *argv = nullptr; // null-terminated, pointing into the plan
  char *const *envp = nullptr;
};

// Null-terminated pointers to `strings` (which must outlive them).
std::vector<char *> cStrings(const std::vector<std::string> &strings);

// Runs in the cloned child; never returns. Reports a failure as text on
// errFd and exits 1; on success execs the builder (errFd is close-on-exec,
// so the parent sees EOF).
[[noreturn]] void runChild(const SandboxPlan &plan, const ChildStart &start);

// A child cloned before its build (SandboxStandby) with a private network:
// it brings up loopback and sets its host name, then waits for the byte
// on start.syncFd; by then the parent has set `plan` and start's argv and
// envp. The rest is runChild's.
struct StandbyStart {
  ChildStart start;
  const SandboxPlan *plan = nullptr;
};
[[noreturn]] void runStandbyChild(const StandbyStart &standby);

// clone() entry points: childEntry takes a ChildArgs, standbyEntry a
// StandbyStart.
struct ChildArgs {
  const SandboxPlan *plan;
  const ChildStart *start;
};
int childEntry(void *args);
int standbyEntry(void *standbyStart);

// The builder's uid/gid maps (sandbox_idmap.cpp), written from outside
// its user namespace. Returns 0, or an errno value with the file that
// failed in `failure`. Uses no heap and leaves errno alone on success.
struct IdMapFailure {
  char path[64];
};
int writeIdMaps(pid_t pid, uid_t hostUid, gid_t hostGid, IdMapFailure &failure);

// The seccomp filter (setuid/setgid bits, extended attributes) as raw BPF
// (struct sock_filter[]), compiled once per process. Throws SandboxError.
const std::string &seccompProgram();

// In the child: sets no_new_privs and loads `program`. Returns 0 or an
// errno-style error; `what` names the step.
int installSeccomp(const std::string &program, const char **what);

} // namespace bastion::build::detail
