// The builder's system call filter, as Nix 2.8's setupSeccomp: no
// setuid/setgid bits (chmod, fchmod, fchmodat fail with EPERM) and no
// extended attributes or ACLs (setxattr family fails with ENOTSUP: the
// store cannot represent them, NARs have no room for them). Loading it also
// sets no_new_privs, so nothing exec'ed can gain privileges.
//
// Beyond Nix 2.8: the kernel keyring calls (add_key, keyctl, request_key)
// fail with ENOSYS, as on a kernel built without keyrings. The builder
// already has a fresh session keyring of its own (sandbox_child.cpp), but
// keyrings are not namespaced: keys are owned by host uids, so a builder
// whose ids map to its caller's (an unprivileged caller) still gets the
// caller's "user" permissions on the caller's keys and keyrings by serial
// number (view, and read/link on session keyrings), and every key it adds
// counts against that host uid's key quota (a few hundred keys), which
// would starve the caller's logins. Nothing a build produces needs a
// keyring, and ENOSYS is the answer programs already handle (Docker's
// default profile refuses the same three calls).
//
// libseccomp compiles the rules to BPF in user space, which took longer than
// everything else the child does before exec, so the program is compiled
// once per process (seccompProgram) and each child only loads it.
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "build/sandbox_plan.h"

namespace bastion::build::detail {

namespace {

// Builds the filter and exports it as raw BPF. Returns "" and sets `error`
// on failure.
std::string compileFilter(std::string &error) {
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
  if (!ctx) {
    error = "unable to initialize seccomp mode 2";
    return {};
  }
  int rc = 0;
  auto check = [&](int r, const char *step) {
    if (rc == 0 && r != 0) {
      rc = r < 0 ? -r : EINVAL;
      error = step;
    }
  };
#if defined(__x86_64__)
  // 32-bit and x32 system calls reach the same kernel: filter them too.
  check(seccomp_arch_add(ctx, SCMP_ARCH_X86), "unable to add 32-bit seccomp architecture");
  check(seccomp_arch_add(ctx, SCMP_ARCH_X32), "unable to add X32 seccomp architecture");
#elif defined(__aarch64__)
  // Nix only warns here: some kernels lack 32-bit ARM support.
  seccomp_arch_add(ctx, SCMP_ARCH_ARM);
#endif
  for (scmp_datum_t bit : {scmp_datum_t(S_ISUID), scmp_datum_t(S_ISGID)}) {
    const char *step = "unable to add seccomp rule";
    check(seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(chmod), 1,
                           SCMP_A1(SCMP_CMP_MASKED_EQ, bit, bit)),
          step);
    check(seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(fchmod), 1,
                           SCMP_A1(SCMP_CMP_MASKED_EQ, bit, bit)),
          step);
    check(seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(fchmodat), 1,
                           SCMP_A2(SCMP_CMP_MASKED_EQ, bit, bit)),
          step);
  }
  // fchmodat2 (Linux 6.6) postdates Nix 2.8 and would bypass the rules
  // above; later Nix versions filter it too.
  int fchmodat2 = seccomp_syscall_resolve_name("fchmodat2");
  if (fchmodat2 != __NR_SCMP_ERROR)
    for (scmp_datum_t bit : {scmp_datum_t(S_ISUID), scmp_datum_t(S_ISGID)})
      check(seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), fchmodat2, 1,
                             SCMP_A2(SCMP_CMP_MASKED_EQ, bit, bit)),
            "unable to add seccomp rule");
  for (int sys : {SCMP_SYS(setxattr), SCMP_SYS(lsetxattr), SCMP_SYS(fsetxattr)})
    check(seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOTSUP), sys, 0), "unable to add seccomp rule");
  for (int sys : {SCMP_SYS(add_key), SCMP_SYS(keyctl), SCMP_SYS(request_key)})
    check(seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), sys, 0), "unable to add seccomp rule");

  std::string program;
  if (rc == 0) {
    int fd = ::memfd_create("bastion-seccomp", MFD_CLOEXEC);
    if (fd == -1) {
      rc = errno;
      error = "unable to export the seccomp BPF program";
    } else {
      check(seccomp_export_bpf(ctx, fd), "unable to export the seccomp BPF program");
      off_t size = ::lseek(fd, 0, SEEK_END);
      if (rc == 0 && size > 0) {
        program.resize(static_cast<size_t>(size));
        if (::pread(fd, program.data(), program.size(), 0) != size) {
          rc = EIO;
          error = "unable to export the seccomp BPF program";
        }
      }
      ::close(fd);
    }
  }
  seccomp_release(ctx);
  if (rc != 0) {
    error += std::string(": ") + ::strerrordesc_np(rc);
    return {};
  }
  if (program.empty() || program.size() % sizeof(struct sock_filter) != 0) {
    error = "unable to export the seccomp BPF program: empty or truncated";
    return {};
  }
  return program;
}

} // namespace

const std::string &seccompProgram() {
  static std::string error;
  static const std::string program = compileFilter(error);
  if (program.empty())
    throw SandboxError("while setting up the build environment: " + error);
  return program;
}

int installSeccomp(const std::string &program, const char **what) {
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1) {
    *what = "unable to set 'no new privileges'";
    return errno;
  }
  struct sock_fprog prog;
  prog.len = static_cast<unsigned short>(program.size() / sizeof(struct sock_filter));
  prog.filter = reinterpret_cast<struct sock_filter *>(const_cast<char *>(program.data()));
  if (::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) == -1) {
    *what = "unable to load seccomp BPF program";
    return errno;
  }
  return 0;
}

} // namespace bastion::build::detail
