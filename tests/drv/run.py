#!/usr/bin/env python3
"""Differential tests of instantiation: Bastion against Nix 2.8.

Each tests/drv/cases/*.nix is instantiated into two throw-away stores,
`bastion nix-instantiate --store A` (BASTION_STORE=A for basic.nix) and
`nix-instantiate --store B` (flags from a `# flags:` line), and the runs
must agree on:

  * exit status and printed .drv paths;
  * the store's contents: the same names, and for every path the same bytes,
    executable bits and symlink targets (so .drv ATerm, toFile texts and
    imported sources are byte-identical), in canonical form (read-only,
    mtime 1);
  * what the databases record: Nix 2.8 reads Bastion's store
    (`nix-store --store A -q --references`, `--hash`, `--size`,
    `--verify --check-contents`) and finds what it finds in its own.

Without Nix (or with --no-live) the printed paths are compared with the
stored cases/NAME.exp instead, which --update writes from Nix's output.
"""
import argparse
import os
import shutil
import stat
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, "cases")


def flags_of(path):
    with open(path) as f:
        for line in f:
            if line.startswith("# flags:"):
                return line[len("# flags:"):].split()
    return []


def run(cmd, cwd, env=None):
    p = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def describe(p):
    """(kind, contents or target, permission bits, mtime) of one file system object."""
    st = os.lstat(p)
    if stat.S_ISLNK(st.st_mode):
        return ("symlink", os.readlink(p), None, None)
    if stat.S_ISDIR(st.st_mode):
        return ("dir", None, stat.S_IMODE(st.st_mode), int(st.st_mtime))
    with open(p, "rb") as f:
        return ("file", f.read(), stat.S_IMODE(st.st_mode), int(st.st_mtime))


def snapshot(store_root):
    """Relative path -> describe() for everything in the store."""
    top = os.path.join(store_root, "nix", "store")
    out = {}
    for name in store_paths(store_root):
        base = os.path.join(top, os.path.basename(name))
        out[os.path.basename(name)] = describe(base)
        if os.path.isdir(base) and not os.path.islink(base):
            for dirpath, dirnames, filenames in os.walk(base):
                for n in dirnames + filenames:
                    q = os.path.join(dirpath, n)
                    out[os.path.relpath(q, top)] = describe(q)
    return out


def store_paths(store_root):
    top = os.path.join(store_root, "nix", "store")
    if not os.path.isdir(top):
        return []
    return sorted("/nix/store/" + n for n in os.listdir(top) if not n.startswith(".") and not n.endswith(".lock"))


def nix_queries(nix_store, store_root, paths):
    """What Nix 2.8 reads from a store's database."""
    out = {}
    for p in paths:
        r = []
        for q in ("--references", "--hash", "--size", "--deriver"):
            code, so, se = run([nix_store, "--store", store_root, "-q", q, p], "/")
            r.append((q, code, so))
        out[p] = r
    return out


def check_case(name, args, tmp):
    path = os.path.join(CASES, name)
    flags = flags_of(path)
    problems = []
    a = os.path.join(tmp, name + ".bastion")
    # One case selects the store through BASTION_STORE instead of --store.
    if name == "basic.nix":
        code_a, out_a, err_a = run([args.bin, "nix-instantiate"] + flags + [name], CASES,
                                   dict(os.environ, BASTION_STORE=a))
    else:
        code_a, out_a, err_a = run([args.bin, "nix-instantiate", "--store", a] + flags + [name], CASES)
    if code_a not in (0, 1) or "Sanitizer" in err_a or "runtime error" in err_a:
        problems.append("bastion crashed (exit %d):\n%s" % (code_a, err_a))
    if code_a == 1 and "error:" not in err_a:
        problems.append("bastion failed without an error message:\n" + err_a)
    exp_path = os.path.join(CASES, name[:-4] + ".exp")

    if args.nix_instantiate:
        b = os.path.join(tmp, name + ".nix28")
        code_b, out_b, err_b = run([args.nix_instantiate, "--store", b] + flags + [name], CASES)
        if args.update:
            with open(exp_path, "w") as f:
                f.write("exit %d\n%s" % (code_b, out_b))
        if (code_a, out_a) != (code_b, out_b):
            problems.append("output differs:\n--- nix 2.8 (exit %d)\n%s%s--- bastion (exit %d)\n%s%s" %
                            (code_b, out_b, err_b, code_a, out_a, err_a))
        sa, sb = snapshot(a), snapshot(b)
        if sorted(sa) != sorted(sb):
            problems.append("store contents differ:\n  only bastion: %s\n  only nix: %s" %
                            (sorted(set(sa) - set(sb)), sorted(set(sb) - set(sa))))
        for k in sorted(set(sa) & set(sb)):
            if sa[k] != sb[k]:
                problems.append("%s differs:\n  nix:     %r\n  bastion: %r" % (k, sb[k][:3], sa[k][:3]))
        if args.nix_store and code_b == 0:
            paths = store_paths(b)
            qa, qb = nix_queries(args.nix_store, a, paths), nix_queries(args.nix_store, b, paths)
            for p in paths:
                if qa.get(p) != qb.get(p):
                    problems.append("nix-store -q on %s differs:\n  nix store:     %r\n  bastion store: %r" %
                                    (p, qb.get(p), qa.get(p)))
            code, so, se = run([args.nix_store, "--store", a, "--verify", "--check-contents"], "/")
            # Nix narrates its phases; anything else it says is a finding.
            noise = [l for l in se.splitlines() if l and "nixbld" not in l and not l.startswith("reading the Nix store")
                     and not l.startswith("checking ")]
            if code != 0 or noise:
                problems.append("nix-store --verify --check-contents on Bastion's store: exit %d\n%s" % (code, se))
    else:
        try:
            with open(exp_path) as f:
                expected = f.read()
        except FileNotFoundError:
            return ["no stored expectation " + exp_path]
        if "exit %d\n%s" % (code_a, out_a) != expected:
            problems.append("output differs from %s:\n--- expected\n%s--- bastion (exit %d)\n%s%s" %
                            (exp_path, expected, code_a, out_a, err_a))
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", required=True, help="the bastion binary")
    ap.add_argument("--nix-instantiate", default=shutil.which("nix-instantiate"))
    ap.add_argument("--nix-store", default=shutil.which("nix-store"))
    ap.add_argument("--no-live", action="store_true", help="compare with stored .exp files only")
    ap.add_argument("--update", action="store_true", help="rewrite the .exp files from Nix's output")
    ap.add_argument("cases", nargs="*")
    args = ap.parse_args()
    args.bin = os.path.abspath(args.bin)
    if args.no_live:
        args.nix_instantiate = args.nix_store = None
    names = args.cases or sorted(n for n in os.listdir(CASES) if n.endswith(".nix"))
    failed = 0
    with tempfile.TemporaryDirectory(prefix="bastion-drv-") as tmp:
        for name in names:
            problems = check_case(os.path.basename(name), args, tmp)
            if problems:
                failed += 1
                print("FAIL %s" % name)
                for p in problems:
                    print("  " + p.replace("\n", "\n  "))
            else:
                print("ok   %s" % name)
    mode = "live against %s" % args.nix_instantiate if args.nix_instantiate else "against stored outputs"
    print("%d/%d cases agree (%s)" % (len(names) - failed, len(names), mode))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
