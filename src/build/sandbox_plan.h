// Internal to the sandbox: what the child has to do, worked out in the
// parent beforehand. The child runs after fork() in a process that may have
// had other threads, so it only walks this plan with plain system calls:
// every path, flag and string is ready before it starts.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "build/sandbox.h"

namespace bastion::build::detail {

struct BindMount {
    std::string source;          // host path
    std::string target;          // host path under the chroot dir
    bool recursive = false;      // MS_REC (sandbox-paths, as Nix does)
    bool readOnly = false;       // remount read-only (input paths)
    unsigned long keepFlags = 0; // nosuid/nodev/noexec/atime flags of the source mount: a
                                 // read-only remount inside a user namespace must repeat them
};

struct SandboxPlan {
    std::string chrootDir;
    std::vector<BindMount> binds;  // sorted by target, so parents come first
    bool privateNetwork = true;
    bool mountShm = false;         // the host has /dev/shm
    bool mountPts = false;         // the host has /dev/pts/ptmx (devpts newinstance)
    std::string procDir, shmDir, ptsDir, ptmxLink, ptsPtmx, hostPts, hostPtmx;
    std::string builder;
    std::vector<std::string> argv, envp;  // "NAME=value"
    uid_t hostUid = 0;
    gid_t hostGid = 0;
};

// Builds the chroot skeleton on disk (directories, /etc files, mount
// points, /tmp, the store dir) and returns the plan for the child. Throws
// SandboxError.
SandboxPlan prepareChroot(const SandboxSpec& spec, uid_t hostUid, gid_t hostGid);

// Runs in the cloned child; never returns. Reports a failure as text on
// errFd and exits 1; on success execs the builder (errFd is close-on-exec,
// so the parent sees EOF). syncFd delivers one byte once the parent has
// written the uid/gid maps.
[[noreturn]] void runChild(const SandboxPlan& plan, int syncFd, int errFd, int logFd);

// Installs the seccomp filter (setuid/setgid bits, extended attributes) and
// no_new_privs. Returns 0 or an errno-style error; `what` names the step.
int installSeccomp(const char** what);

}  // namespace bastion::build::detail

namespace bastion::build::detail {

// The plan as bytes, for the launcher (sandbox_launcher.cpp), which runs in
// another process. decodePlan returns false on malformed input.
std::string encodePlan(const SandboxPlan& plan);
bool decodePlan(const std::string& bytes, SandboxPlan& plan);
// The launcher's socket, both ends: all `n` bytes or false (EOF, error;
// a closed peer gives no SIGPIPE).
bool sendAll(int fd, const char* p, size_t n);
bool recvAll(int fd, char* p, size_t n);

// Starts the builder for `plan` through the sandbox launcher: a small
// process re-executed from this binary once, from which builders are
// cloned, so that starting one does not copy this (big) process's page
// tables. The builder is created with CLONE_PARENT, so it is this
// process's child as with the fork path. Returns its pid; -1 with
// `error` empty when there is no launcher (the caller forks instead); -1
// with `error` set when the launcher could not create the builder.
pid_t launchBuilder(const SandboxPlan& plan, int syncFd, int errFd, int logFd, std::string& error);

// The launcher's side: serves requests on `fd` until it is closed.
[[noreturn]] void launcherMain(int fd);

}  // namespace bastion::build::detail
