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
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, "cases")
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import bastion_test as bt  # noqa: E402


def flags_of(path):
    with open(path) as f:
        for line in f:
            if line.startswith("# flags:"):
                return line[len("# flags:"):].split()
    return []


def check_case(name, args, tmp):
    path = os.path.join(CASES, name)
    flags = flags_of(path)
    problems = []
    a = os.path.join(tmp, name + ".bastion")
    # One case selects the store through BASTION_STORE instead of --store.
    if name == "basic.nix":
        code_a, out_a, err_a = bt.run([args.bin, "nix-instantiate"] + flags + [name], cwd=CASES,
                                      env=dict(os.environ, BASTION_STORE=a), text=True)
    else:
        code_a, out_a, err_a = bt.run([args.bin, "nix-instantiate", "--store", a] + flags + [name], cwd=CASES,
                                      text=True)
    if code_a not in (0, 1) or bt.sanitizer_report(err_a):
        problems.append("bastion crashed (exit %d):\n%s" % (code_a, err_a))
    if code_a == 1 and "error:" not in err_a:
        problems.append("bastion failed without an error message:\n" + err_a)
    exp_path = os.path.join(CASES, name[:-4] + ".exp")

    if args.nix_instantiate:
        b = os.path.join(tmp, name + ".nix28")
        code_b, out_b, err_b = bt.run([args.nix_instantiate, "--store", b] + flags + [name], cwd=CASES, text=True)
        if args.update:
            with open(exp_path, "w") as f:
                f.write("exit %d\n%s" % (code_b, out_b))
        if (code_a, out_a) != (code_b, out_b):
            problems.append("output differs:\n--- nix 2.8 (exit %d)\n%s%s--- bastion (exit %d)\n%s%s" %
                            (code_b, out_b, err_b, code_a, out_a, err_a))
        sa, sb = bt.snapshot(a), bt.snapshot(b)
        if sorted(sa) != sorted(sb):
            problems.append("store contents differ:\n  only bastion: %s\n  only nix: %s" %
                            (sorted(set(sa) - set(sb)), sorted(set(sb) - set(sa))))
        for k in sorted(set(sa) & set(sb)):
            if sa[k] != sb[k]:
                problems.append("%s differs:\n  nix:     %r\n  bastion: %r" % (k, sb[k][:3], sa[k][:3]))
        if args.nix_store and code_b == 0:
            paths = bt.store_paths(b)
            qa, qb = bt.nix_queries(args.nix_store, a, paths), bt.nix_queries(args.nix_store, b, paths)
            for p in paths:
                if qa.get(p) != qb.get(p):
                    problems.append("nix-store -q on %s differs:\n  nix store:     %r\n  bastion store: %r" %
                                    (p, qb.get(p), qa.get(p)))
            (code, so, se), findings = bt.nix_verify(args.nix_store, a)
            if code != 0 or findings:
                problems.append("nix-store --verify --check-contents on Bastion's store: exit %s\n%s" % (code, se))
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
    report = bt.Report()
    with bt.work_dir("bastion-drv-") as tmp:
        for name in names:
            problems = check_case(os.path.basename(name), args, tmp)
            report.check(not problems, name, "\n".join(problems))
    mode = "live against %s" % args.nix_instantiate if args.nix_instantiate else "against stored outputs"
    return report.summary("{passed}/{total} cases agree (%s)" % mode)


if __name__ == "__main__":
    sys.exit(main())
