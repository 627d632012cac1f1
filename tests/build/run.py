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
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, "cases")

spec = importlib.util.spec_from_file_location("drvrun", os.path.join(HERE, "..", "drv", "run.py"))
drvrun = importlib.util.module_from_spec(spec)
spec.loader.exec_module(drvrun)


def run(cmd, cwd=CASES, env=None):
    p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=dict(os.environ, **env) if env else None)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def header(path, key):
    out = []
    with open(path) as f:
        for line in f:
            if line.startswith("# %s:" % key):
                out.append(line[len("# %s:" % key):].strip())
    return out


def dump(nix_store, root, path):
    p = subprocess.run([nix_store, "--store", root, "--dump", path], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return p.returncode, p.stdout


def check_case(name, args, tmp):
    problems = []
    a, b = os.path.join(tmp, name + ".bastion"), os.path.join(tmp, name + ".nix28")
    sandbox_paths = "/bin/sh=" + args.busybox
    flags = [f for line in header(os.path.join(CASES, name), "flags") for f in line.split()]
    env = dict(line.split("=", 1) for line in header(os.path.join(CASES, name), "env"))
    code_a, out_a, err_a = run([args.bin, "nix-build", "--store", a, "--option", "sandbox-paths", sandbox_paths,
                                "--no-out-link"] + flags + [name], env=env)
    code_b, out_b, err_b = run([args.nix_build, "--store", b, "--option", "sandbox", "true", "--option",
                                "sandbox-paths", sandbox_paths, "--option", "build-users-group", "",
                                "--option", "substituters", "", "--no-out-link"] + flags + [name], env=env)
    if "Sanitizer" in err_a or "runtime error" in err_a:
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
    paths_a, paths_b = drvrun.store_paths(a), drvrun.store_paths(b)
    valid_b = [p for p in paths_b if run([args.nix_store, "--store", b, "-q", "--hash", p], "/")[0] == 0]
    valid_a = [p for p in paths_a if run([args.nix_store, "--store", a, "-q", "--hash", p], "/")[0] == 0]
    if valid_a != valid_b:
        problems.append("valid paths differ:\n  only bastion: %s\n  only nix: %s" %
                        (sorted(set(valid_a) - set(valid_b)), sorted(set(valid_b) - set(valid_a))))
    # A build that is not reproducible cannot have the same bytes twice.
    same_bytes = "not reproducible" not in header(os.path.join(CASES, name), "check")
    for p in sorted(set(valid_a) & set(valid_b)):
        if same_bytes and dump(args.nix_store, a, p) != dump(args.nix_store, b, p):
            problems.append("NAR of %s differs" % p)
    qa = drvrun.nix_queries(args.nix_store, a, valid_b)
    qb = drvrun.nix_queries(args.nix_store, b, valid_b)
    for p in valid_b:
        if not same_bytes:
            qa[p] = [x for x in qa.get(p, []) if x[0] not in ("--hash",)]
            qb[p] = [x for x in qb.get(p, []) if x[0] not in ("--hash",)]
        if qa.get(p) != qb.get(p):
            problems.append("nix-store -q on %s differs:\n  nix store:     %r\n  bastion store: %r" %
                            (p, qb.get(p), qa.get(p)))
    sa, sb = drvrun.snapshot(a), drvrun.snapshot(b)
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
        theirs = run([args.nix_store, "--store", b, "--read-log", p], "/")
        if theirs[0] != 0:
            continue
        ours = run([args.bin, "nix-store", "--store", a, "--read-log", p], "/")
        if ours[:2] != theirs[:2]:
            problems.append("build log of %s: Nix kept %r, Bastion %r" % (p, theirs[:2], ours[:2]))
        via_nix_log = run([args.bin, "nix", "log", "--store", b, p], "/")
        if via_nix_log[:2] != theirs[:2]:
            problems.append("bastion nix log %s on Nix's store: %r, Nix's --read-log: %r" %
                            (p, via_nix_log[:2], theirs[:2]))
    # Bastion reads Nix's store.
    for p in valid_b:
        for q in ("--references", "--hash", "--size"):
            ours = run([args.bin, "nix-store", "--store", b, "-q", q, p], "/")
            theirs = run([args.nix_store, "--store", b, "-q", q, p], "/")
            if (ours[0], ours[1]) != (theirs[0], theirs[1]):
                problems.append("bastion nix-store -q %s %s on Nix's store: %r, Nix says %r" % (q, p, ours[:2], theirs[:2]))
    code, so, se = run([args.bin, "nix-store", "--store", b, "--verify", "--check-contents"], "/")
    if code != 0:
        problems.append("bastion --verify --check-contents on Nix's store: exit %d\n%s" % (code, se))
    if header(os.path.join(CASES, name), "check") and code_a == 0 and code_b == 0:
        ca = run([args.bin, "nix-build", "--store", a, "--option", "sandbox-paths", sandbox_paths, "--no-out-link",
                  "--check", name])
        cb = run([args.nix_build, "--store", b, "--option", "sandbox", "true", "--option", "sandbox-paths",
                  sandbox_paths, "--option", "build-users-group", "", "--option", "substituters", "",
                  "--no-out-link", "--check", name])
        if ca[0] != cb[0]:
            problems.append("--check: nix exit %d, bastion exit %d\n--- nix\n%s--- bastion\n%s" % (cb[0], ca[0], cb[2], ca[2]))
    code, so, se = run([args.nix_store, "--store", a, "--verify", "--check-contents"], "/")
    noise = [l for l in se.splitlines() if l and "nixbld" not in l and not l.startswith("reading the Nix store")
             and not l.startswith("checking ")]
    if code != 0 or noise:
        problems.append("nix-store --verify --check-contents on Bastion's store: exit %d\n%s" % (code, se))
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--nix-build", default=shutil.which("nix-build"))
    ap.add_argument("--nix-store", default=shutil.which("nix-store"))
    ap.add_argument("--busybox", default=shutil.which("busybox") or "/bin/busybox")
    ap.add_argument("cases", nargs="*")
    args = ap.parse_args()
    args.bin = os.path.abspath(args.bin)
    if not args.nix_build or not args.nix_store:
        print("nix-build/nix-store not found: nothing to compare with")
        return 77
    names = args.cases or sorted(n for n in os.listdir(CASES) if n.endswith(".nix"))
    failed = 0
    with tempfile.TemporaryDirectory(prefix="bastion-build-") as tmp:
        for name in names:
            problems = check_case(os.path.basename(name), args, tmp)
            print(("FAIL %s" if problems else "ok   %s") % name)
            for p in problems:
                print("  " + p.replace("\n", "\n  "))
            failed += bool(problems)
        # Store objects are read-only; make the temporary tree deletable.
        subprocess.run(["chmod", "-R", "u+w", tmp])
    print("%d/%d cases agree with Nix 2.8" % (len(names) - failed, len(names)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
