#!/usr/bin/env python3
"""Differential tests of building: Bastion's sandboxed builds against Nix 2.8's.

Each tests/build/cases/*.nix is built twice, into two throw-away stores:

  bastion nix-build --store A --option sandbox-paths /bin/sh=BUSYBOX --no-out-link CASE
  nix-build --store B --option sandbox true --option sandbox-paths /bin/sh=BUSYBOX \
            --option build-users-group '' --option substituters '' --no-out-link CASE

and the two must agree on the outcome (exit status, and for failures the
kind of failure), the printed output paths, and for every path in the
resulting stores: the NAR bytes (both read with Nix's `nix-store --dump`,
so Nix also reads Bastion's store), references, NAR hash and size,
permissions and mtimes. Afterwards Nix's `--verify --check-contents`
must find nothing wrong in Bastion's store, and a failed build must
leave no valid output behind.

The other way round, Bastion reads the store Nix built: its
`nix-store --verify --check-contents` and `-q --references/--hash/--size`
on Nix's store must agree with Nix's.

A `# flags: …` line adds command-line flags for both tools, and an
`# env: NAME=VALUE` line an environment variable (e.g. NIX_CONFIG). The build
logs both tools kept must be the same, and Bastion's `nix log` must read
Nix's.
Cases named fail-*.nix must fail; a `# expect: TEXT` line names text that
both tools' error output must contain. A `# check:` line makes both tools
rebuild the result with --check afterwards and compares their exit
statuses (0 when the build is reproducible, 104 when it is not).
"""
import argparse
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, "cases")
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import bastion_test as bt  # noqa: E402


def header(path, key):
    out = []
    with open(path) as f:
        for line in f:
            if line.startswith("# %s:" % key):
                out.append(line[len("# %s:" % key):].strip())
    return out


def dump(nix_store, root, path):
    return bt.run([nix_store, "--store", root, "--dump", path])[:2]


def check_case(name, args, tmp):
    problems = []
    a, b = os.path.join(tmp, name + ".bastion"), os.path.join(tmp, name + ".nix28")
    bastion_opts = bt.bastion_sandbox_options(args.busybox)
    nix_opts = bt.nix_sandbox_options(args.busybox)
    flags = [f for line in header(os.path.join(CASES, name), "flags") for f in line.split()]
    env = dict(line.split("=", 1) for line in header(os.path.join(CASES, name), "env"))
    code_a, out_a, err_a = bt.run([args.bin, "nix-build", "--store", a] + bastion_opts + ["--no-out-link"] + flags
                                  + [name], cwd=CASES, text=True, add_env=env)
    code_b, out_b, err_b = bt.run([args.nix_build, "--store", b] + nix_opts + ["--no-out-link"] + flags + [name],
                                  cwd=CASES, text=True, add_env=env)
    if bt.sanitizer_report(err_a):
        problems.append("sanitizer report:\n" + err_a)
    if code_a != code_b:
        problems.append("exit status: nix %d, bastion %d\n--- nix\n%s--- bastion\n%s" % (code_b, code_a, err_b, err_a))
    if out_a != out_b:
        problems.append("printed paths differ:\n--- nix\n%s--- bastion\n%s%s" % (out_b, out_a, err_a))
    for text in header(os.path.join(CASES, name), "expect"):
        for who, err in (("nix", err_b), ("bastion", err_a)):
            if text not in err:
                problems.append("%s's error output lacks %r:\n%s" % (who, text, err))
    if name.startswith("fail-") and code_a == 0:
        problems.append("bastion did not fail")

    # The stores: same paths, same bytes, same metadata.
    paths_a, paths_b = bt.store_paths(a), bt.store_paths(b)
    valid_b = [p for p in paths_b if bt.run([args.nix_store, "--store", b, "-q", "--hash", p], cwd="/").rc == 0]
    valid_a = [p for p in paths_a if bt.run([args.nix_store, "--store", a, "-q", "--hash", p], cwd="/").rc == 0]
    if valid_a != valid_b:
        problems.append("valid paths differ:\n  only bastion: %s\n  only nix: %s" %
                        (sorted(set(valid_a) - set(valid_b)), sorted(set(valid_b) - set(valid_a))))
    # A build that is not reproducible cannot have the same bytes twice.
    same_bytes = "not reproducible" not in header(os.path.join(CASES, name), "check")
    for p in sorted(set(valid_a) & set(valid_b)):
        if same_bytes and dump(args.nix_store, a, p) != dump(args.nix_store, b, p):
            problems.append("NAR of %s differs" % p)
    qa = bt.nix_queries(args.nix_store, a, valid_b)
    qb = bt.nix_queries(args.nix_store, b, valid_b)
    for p in valid_b:
        if not same_bytes:
            qa[p] = [x for x in qa.get(p, []) if x[0] not in ("--hash",)]
            qb[p] = [x for x in qb.get(p, []) if x[0] not in ("--hash",)]
        if qa.get(p) != qb.get(p):
            problems.append("nix-store -q on %s differs:\n  nix store:     %r\n  bastion store: %r" %
                            (p, qb.get(p), qa.get(p)))
    sa, sb = bt.snapshot(a), bt.snapshot(b)
    for k in sorted(set(sa) & set(sb)):
        if k.split("/")[0].endswith("chroot") or k.endswith(".lock"):
            continue
        if not same_bytes and sa[k][0] == "file":
            continue
        if k.split("/")[0] in {os.path.basename(p) for p in valid_a} and sa[k] != sb[k]:
            problems.append("%s differs:\n  nix:     %r\n  bastion: %r" % (k, sb[k][:3], sa[k][:3]))
    leftovers = [k for k in sa if k.split("/")[0].endswith("chroot") or ".bastion-tmp" in k or ".bastion-build" in k]
    if leftovers:
        problems.append("scratch directories left in the store: %s" % leftovers)
    # Build logs: what each tool kept of the same builds is the same, read
    # with nix-store --read-log, and Bastion's `nix log` reads Nix's
    # (bzip2-compressed) logs too.
    for p in sorted(x for x in paths_b if x.endswith(".drv")):
        theirs = bt.run([args.nix_store, "--store", b, "--read-log", p], cwd="/", text=True)
        if theirs[0] != 0:
            continue
        ours = bt.run([args.bin, "nix-store", "--store", a, "--read-log", p], cwd="/", text=True)
        if ours[:2] != theirs[:2]:
            problems.append("build log of %s: Nix kept %r, Bastion %r" % (p, theirs[:2], ours[:2]))
        via_nix_log = bt.run([args.bin, "nix", "log", "--store", b, p], cwd="/", text=True)
        if via_nix_log[:2] != theirs[:2]:
            problems.append("bastion nix log %s on Nix's store: %r, Nix's --read-log: %r" %
                            (p, via_nix_log[:2], theirs[:2]))
    # Bastion reads Nix's store.
    for p in valid_b:
        for q in ("--references", "--hash", "--size"):
            ours = bt.run([args.bin, "nix-store", "--store", b, "-q", q, p], cwd="/", text=True)
            theirs = bt.run([args.nix_store, "--store", b, "-q", q, p], cwd="/", text=True)
            if (ours[0], ours[1]) != (theirs[0], theirs[1]):
                problems.append("bastion nix-store -q %s %s on Nix's store: %r, Nix says %r" % (q, p, ours[:2], theirs[:2]))
    code, so, se = bt.run([args.bin, "nix-store", "--store", b, "--verify", "--check-contents"], cwd="/", text=True)
    if code != 0:
        problems.append("bastion --verify --check-contents on Nix's store: exit %d\n%s" % (code, se))
    if header(os.path.join(CASES, name), "check") and code_a == 0 and code_b == 0:
        ca = bt.run([args.bin, "nix-build", "--store", a] + bastion_opts + ["--no-out-link", "--check", name],
                    cwd=CASES, text=True)
        cb = bt.run([args.nix_build, "--store", b] + nix_opts + ["--no-out-link", "--check", name],
                    cwd=CASES, text=True)
        if ca[0] != cb[0]:
            problems.append("--check: nix exit %d, bastion exit %d\n--- nix\n%s--- bastion\n%s" % (cb[0], ca[0], cb[2], ca[2]))
    (code, so, se), findings = bt.nix_verify(args.nix_store, a)
    if code != 0 or findings:
        problems.append("nix-store --verify --check-contents on Bastion's store: exit %s\n%s" % (code, se))
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--nix-build", default=shutil.which("nix-build"))
    ap.add_argument("--nix-store", default=shutil.which("nix-store"))
    ap.add_argument("--busybox", default=bt.busybox())
    ap.add_argument("cases", nargs="*")
    args = ap.parse_args()
    args.bin = os.path.abspath(args.bin)
    if not args.nix_build or not args.nix_store:
        return bt.skip("nix-build/nix-store not found: nothing to compare with")
    names = args.cases or sorted(n for n in os.listdir(CASES) if n.endswith(".nix"))
    report = bt.Report()
    with bt.work_dir("bastion-build-") as tmp:
        for name in names:
            problems = check_case(os.path.basename(name), args, tmp)
            report.check(not problems, name, "\n".join(problems))
    return report.summary("{passed}/{total} cases agree with Nix 2.8")


if __name__ == "__main__":
    sys.exit(main())
