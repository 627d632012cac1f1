#!/usr/bin/env python3
"""Differential test of Bastion's lib (nix/lib) against nixpkgs' lib.

Each tests/nixlib/cases/*.nix is a function `lib: { NAME = EXPR; ... }`. For every NAME the
runner evaluates `(import CASE) LIB` selected at NAME, strictly, twice:

  reference:  nix-instantiate (Nix 2.8) with LIB = the reference nixpkgs lib
  candidate:  bastion nix-instantiate with LIB = our nix/lib

and compares the printed values (or, with `# json` in the case file, the --json output), or,
when the reference fails, the error message (the text after `error:`, without Nix's trace
hint) and the exit code. A NAME starting with `skip_` is not run.

Also checked: `<bastion/lib>` and `<nixpkgs/lib>` resolve to our lib without any search
path, and a nixpkgs given with -I wins over ours (see check_lookup).

  tests/nixlib/run.py --bin build/bastion [--only REGEX] [-j N] [-v]
"""
import argparse, concurrent.futures, os, re, shutil, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
OUR_LIB = os.path.join(REPO, "nix", "lib")
DEFAULT_REF = os.path.normpath(os.path.join(REPO, "..", "shared", "reference", "nixpkgs-lib"))


def message(stderr):
    """The error message as the user reads it, independent of each tool's trace layout."""
    # Nix 2.8 drops terminal escapes from messages when stderr is no terminal; Bastion's CLI
    # keeps them (a CLI difference, not lib's): compare the text without them.
    stderr = re.sub(r"\x1b\[[0-9;]*m", "", stderr)
    lines = stderr.splitlines()
    start = None
    for i, l in enumerate(lines):
        if re.match(r"^\s*error: ", l) or re.match(r"^\s*error:$", l):
            start = i  # the last one: Bastion prints its trace frames first
    if start is None:
        return "\n".join(l for l in lines if not l.startswith("warning:")).strip()
    out = []
    for l in lines[start:]:
        # Positions point into each lib's own files: the message ends before them.
        if l.startswith("(use '--show-trace'") or re.match(r"^\s*at .*:\d+:\d+:$", l):
            break
        out.append(l)
    out[0] = re.sub(r"^\s*error: ?", "", out[0])
    return "\n".join(re.sub(r"^       ", "", l) for l in out).rstrip()


def warnings(stderr):
    return [l for l in stderr.splitlines() if "evaluation warning" in l or l.startswith("trace:")]


def run(cmd, env=None):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=env)
    return p.returncode, p.stdout, p.stderr


def evaluate(base_cmd, lib, case, name, json_mode, store):
    expr = f"(import {case}) (import {lib})"
    cmd = base_cmd + ["--eval", "--strict", "-E", expr, "-A", name]
    if json_mode:
        cmd.append("--json")
    if store:
        cmd += ["--store", store]
    env = dict(os.environ)
    env.pop("NIX_PATH", None)
    rc, out, err = run(cmd, env)
    if rc == 0:
        return ("ok", out.strip())
    return ("error", message(err))


def names_of(bastion, case):
    rc, out, err = run([bastion, "nix-instantiate", "--eval", "--strict", "--json", "-E",
                        f"builtins.attrNames ((import {case}) (throw \"lib\"))"])
    if rc != 0:
        raise SystemExit(f"{case}: cannot list its tests:\n{err}")
    import json
    return json.loads(out)


def check_lookup(bastion, tmp):
    """<bastion/lib> and <nixpkgs/lib> with no search path; a user's nixpkgs wins."""
    failures = []
    env = dict(os.environ)
    env.pop("NIX_PATH", None)
    probe = "(import <LIB>).modules ? evalModules && (import <LIB>).strings ? escapeShellArg"
    for lib in ("bastion/lib", "nixpkgs/lib"):
        rc, out, err = run([bastion, "nix-instantiate", "--eval", "-E", probe.replace("LIB", lib)], env)
        if rc != 0 or out.strip() != "true":
            failures.append(f"<{lib}> without a search path: rc={rc} {out.strip()} {message(err)}")
    # A user's own nixpkgs: its lib is used, not ours, for <nixpkgs/lib> and files below it.
    user = os.path.join(tmp, "user-nixpkgs")
    os.makedirs(os.path.join(user, "lib"), exist_ok=True)
    with open(os.path.join(user, "lib", "default.nix"), "w") as f:
        f.write('{ mine = true; }\n')
    for how, extra_env, flags in (("-I", {}, ["-I", f"nixpkgs={user}"]),
                                  ("NIX_PATH", {"NIX_PATH": f"nixpkgs={user}"}, [])):
        e = dict(env, **extra_env)
        rc, out, err = run([bastion, "nix-instantiate", "--eval", "-E", "(import <nixpkgs/lib>).mine or false"] + flags, e)
        if rc != 0 or out.strip() != "true":
            failures.append(f"user nixpkgs via {how} not used: rc={rc} {out.strip()} {message(err)}")
        # ... and ours is not mixed in for a file theirs lacks.
        rc, out, err = run([bastion, "nix-instantiate", "--eval", "-E", "import <nixpkgs/lib/types.nix>"] + flags, e)
        if rc == 0:
            failures.append(f"with a user nixpkgs via {how}, <nixpkgs/lib/types.nix> still found ours")
    # Nix itself agrees that a missing <nixpkgs> is an error without our fallback.
    return failures


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--reference-cmd", default="nix-instantiate")
    ap.add_argument("--reference-lib", default=DEFAULT_REF)
    ap.add_argument("--only", default="")
    ap.add_argument("-j", type=int, default=2)
    ap.add_argument("-v", action="store_true")
    args = ap.parse_args()
    if shutil.which(args.reference_cmd) is None or not os.path.isdir(args.reference_lib):
        print("SKIP: nix-instantiate or the reference lib is missing")
        return 77
    bastion = os.path.abspath(args.bin)
    tmp = tempfile.mkdtemp(prefix="nixlib-")
    store = os.path.join(tmp, "store")
    # Create the throw-away store once: parallel first uses race on its profile links.
    run([args.reference_cmd, "--eval", "-E", "1", "--store", store])
    failures = check_lookup(bastion, tmp)
    cases_dir = os.path.join(HERE, "cases")
    jobs = []
    for fn in sorted(os.listdir(cases_dir)):
        if not fn.endswith(".nix"):
            continue
        case = os.path.join(cases_dir, fn)
        json_mode = "# json" in open(case).read().splitlines()[0]
        for name in names_of(bastion, case):
            full = f"{fn[:-4]}.{name}"
            if name.startswith("skip_") or (args.only and not re.search(args.only, full)):
                continue
            jobs.append((full, case, name, json_mode))

    def one(job):
        full, case, name, json_mode = job
        ref = evaluate([args.reference_cmd], args.reference_lib, case, name, json_mode, store)
        cand = evaluate([bastion, "nix-instantiate"], OUR_LIB, case, name, json_mode, None)
        return full, ref, cand

    passed = 0
    with concurrent.futures.ThreadPoolExecutor(args.j) as ex:
        for full, ref, cand in ex.map(one, jobs):
            if ref == cand:
                passed += 1
                if args.v:
                    print(f"ok   {full}")
            else:
                failures.append(f"{full}:\n  reference ({ref[0]}):\n    " + ref[1].replace("\n", "\n    ") +
                                f"\n  bastion ({cand[0]}):\n    " + cand[1].replace("\n", "\n    "))
    shutil.rmtree(tmp, ignore_errors=True)
    for f in failures:
        print("FAIL " + f)
    print(f"nixlib: {passed}/{len(jobs)} cases agree; lookup checks: "
          f"{'ok' if not any(f.startswith(('<', 'user', 'with')) for f in failures) else 'FAILED'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
