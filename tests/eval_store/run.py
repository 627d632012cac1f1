#!/usr/bin/env python3
"""Path values in `nix-instantiate --eval` output, against Nix 2.8 (live).

Nix copies a path value to the store when the output format needs a string
for it (`--json`; `"${./p}"` in any format) and prints the store path; in its
default read-only mode it only computes the path, with `--read-write-mode` it
also writes it. Each case below is evaluated by Bastion and by Nix 2.8, each
into a throw-away store of its own (`--store DIR`), and must give the same
exit code, the same stdout (the temp dir rewritten to /pwd) and the same set
of store entries afterwards (names and file contents).

Then reading through the store (`READ_EXPR`): a path under the store
directory whose string has context must name valid store paths, and is read
where the store keeps it (DIR/nix/store/…), by import, readFile, pathExists,
readDir and hashFile; in read-only mode the sources are not written, so the
same expressions fail ("path … is not valid") in both.

The last line printed is `N passed, M failed`; exit status 1 on any failure,
77 (ctest's skip code) when nix-instantiate is not installed.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

EXPR = """{
  file = ./src/f.txt;
  dir = [ ./src ];
  str = "${./src/f.txt}";
  nested = { deep = ./src/sub/g.txt; };
}"""

READ_EXPR = """let d = "${./src}"; in {
  imp = import "${d}/sub/h.nix";
  file = builtins.readFile "${d}/f.txt";
  direct = builtins.readFile "${./src/f.txt}";
  exists = builtins.pathExists "${d}/sub";
  missing = builtins.pathExists "${d}/nope";
  dir = builtins.readDir "${d}/sub";
  hash = builtins.hashFile "sha256" "${d}/sub/g.txt";
  text = builtins.readFile (builtins.toFile "t" "x");
}"""

READ_MODES = [
    ["--eval", "--strict", "--read-write-mode"],
    ["--eval", "--strict", "--read-write-mode", "--json"],
    ["--eval", "--read-write-mode", "-A", "imp.x"],
    ["--eval", "--read-write-mode", "-A", "missing"],
    ["--eval", "--strict", "-A", "imp"],
    ["--eval", "--strict", "-A", "file"],
    ["--eval", "--strict", "-A", "text"],
]

MODES = [
    ["--eval"],
    ["--eval", "--strict"],
    ["--eval", "--strict", "--json"],
    ["--eval", "--strict", "--xml"],
    ["--eval", "--strict", "--read-write-mode"],
    ["--eval", "--strict", "--read-write-mode", "--json"],
    ["--eval", "--strict", "--read-write-mode", "--xml"],
    ["--eval", "--json", "-A", "file"],
    ["--eval", "--json", "-A", "nested"],
    ["--eval", "--read-write-mode", "--json", "-A", "dir"],
    ["--eval", "--read-write-mode", "-A", "str"],
    ["--eval", "--read-write-mode", "-A", "file"],
]


def store_listing(store):
    """Names of the store's entries and, per file below them, its bytes."""
    top = os.path.join(store, "nix", "store")
    out = {}
    if not os.path.isdir(top):
        return out
    for name in sorted(os.listdir(top)):
        if name.startswith(".") or name.endswith(".lock"):
            continue
        p = os.path.join(top, name)
        if os.path.isfile(p):
            out[name] = open(p, "rb").read()
        elif os.path.isdir(p):
            for root, _, files in os.walk(p):
                for f in files:
                    q = os.path.join(root, f)
                    out[os.path.relpath(q, top)] = open(q, "rb").read()
        else:
            out[name] = None
    return out


def run(cmd, work, mode, env, case="case.nix"):
    store = tempfile.mkdtemp(prefix="store-", dir=work)
    try:
        r = subprocess.run(cmd + mode + ["--store", store, case], cwd=work, env=env,
                           capture_output=True, timeout=60)
        out = r.stdout.replace(store.encode(), b"/store").replace(work.encode(), b"/pwd")
        # Upstream ends `--json` output with a newline; Nix 2.8 prints none
        # (as in tests/diff/run.py).
        if "--json" in mode and out and not out.endswith(b"\n"):
            out += b"\n"
        return r.returncode, out, store_listing(store), r.stderr
    finally:
        shutil.rmtree(store, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--reference", default="nix-instantiate")
    args = ap.parse_args()
    if shutil.which(args.reference) is None:
        print("nix-instantiate not found: skipped")
        return 77
    work = tempfile.mkdtemp(prefix="eval-store-")
    passed = failed = 0
    try:
        os.makedirs(os.path.join(work, "src", "sub"))
        with open(os.path.join(work, "src", "f.txt"), "w") as f:
            f.write("hello\n")
        with open(os.path.join(work, "src", "sub", "g.txt"), "w") as f:
            f.write("world\n")
        with open(os.path.join(work, "src", "sub", "h.nix"), "w") as f:
            f.write("{ x = 42; p = ./g.txt; pos = builtins.unsafeGetAttrPos \"x\" { x = 1; }; }\n")
        with open(os.path.join(work, "case.nix"), "w") as f:
            f.write(EXPR)
        with open(os.path.join(work, "read.nix"), "w") as f:
            f.write(READ_EXPR)
        env = {k: v for k, v in os.environ.items() if not k.startswith("NIX_")}
        env["NIX_CONF_DIR"] = work
        env["HOME"] = work
        with open(os.path.join(work, "nix.conf"), "w") as f:
            f.write("build-users-group =\nexperimental-features =\n")
        cases = [("case.nix", m) for m in MODES] + [("read.nix", m) for m in READ_MODES]
        for case, mode in cases:
            ours = run([os.path.abspath(args.bin), "nix-instantiate"], work, mode, env, case)
            theirs = run([args.reference], work, mode, env, case)
            name = case + " " + " ".join(mode)
            if ours[:3] == theirs[:3]:
                passed += 1
                print(f"ok   {name}")
                continue
            failed += 1
            print(f"FAIL {name}")
            if ours[0] != theirs[0]:
                print(f"  exit {ours[0]} (nix: {theirs[0]}); stderr: {ours[3].decode()[:400]}")
            if ours[1] != theirs[1]:
                print(f"  stdout: {ours[1]!r}\n  nix:    {theirs[1]!r}")
            if ours[2] != theirs[2]:
                print(f"  store: {sorted(ours[2])}\n  nix:   {sorted(theirs[2])}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
