// The builder's system call filter, as Nix 2.8's setupSeccomp: no
// setuid/setgid bits (chmod, fchmod, fchmodat fail with EPERM) and no
// extended attributes or ACLs (setxattr family fails with ENOTSUP: the
// store cannot represent them, NARs have no room for them). Loading it also
// sets no_new_privs, so nothing exec'ed can gain privileges.
// seccomp_load allocates: fine in the forked child (see sandbox_child.cpp).
#include <seccomp.h>
#include <sys/prctl.h>
#include <sys/stat.h>

#include <cerrno>

#include "build/sandbox_plan.h"

namespace bastion::build::detail {

int installSeccomp(const char** what) {
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1) {
        *what = "unable to set 'no new privileges'";
        return errno;
    }
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (!ctx) {
        *what = "unable to initialize seccomp mode 2";
        return ENOMEM;
    }
    int rc = 0;
    auto check = [&](int r, const char* step) {
        if (rc == 0 && r != 0) { rc = r < 0 ? -r : EINVAL; *what = step; }
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
        const char* step = "unable to add seccomp rule";
        check(seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(chmod), 1,
                               SCMP_A1(SCMP_CMP_MASKED_EQ, bit, bit)), step);
        check(seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(fchmod), 1,
                               SCMP_A1(SCMP_CMP_MASKED_EQ, bit, bit)), step);
        check(seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(fchmodat), 1,
                               SCMP_A2(SCMP_CMP_MASKED_EQ, bit, bit)), step);
    }
    // fchmodat2 (Linux 6.6) postdates Nix 2.8 and would bypass the rules
    // above; later Nix versions filter it too.
    int fchmodat2 = seccomp_syscall_resolve_name("fchmodat2");
    if (fchmodat2 != __NR_SCMP_ERROR)
        for (scmp_datum_t bit : {scmp_datum_t(S_ISUID), scmp_datum_t(S_ISGID)})
            check(seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), fchmodat2, 1,
                                   SCMP_A2(SCMP_CMP_MASKED_EQ, bit, bit)), "unable to add seccomp rule");
    for (int sys : {SCMP_SYS(setxattr), SCMP_SYS(lsetxattr), SCMP_SYS(fsetxattr)})
        check(seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOTSUP), sys, 0), "unable to add seccomp rule");
    check(seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 1), "unable to set 'no new privileges' seccomp attribute");
    check(seccomp_load(ctx), "unable to load seccomp BPF program");
    seccomp_release(ctx);
    return rc;
}

}  // namespace bastion::build::detail
