#!/usr/bin/env python3
"""Builds started by an unprivileged user: the same cases built by root and
by uid 65534 (via setpriv, into a store the user owns) give the same
output paths and NAR hashes, and the user's store verifies. Skipped (exit
77) unless run as root with setpriv available.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = ["deps.nix", "tree.nix", "outputs.nix", "probe.nix"]


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--busybox", default=shutil.which("busybox") or "/bin/busybox")
    args = ap.parse_args()
    setpriv = shutil.which("setpriv")
    if os.geteuid() != 0 or not setpriv:
        print("skipped: needs root and setpriv")
        return 77
    bin_ = os.path.abspath(args.bin)
    tmp = tempfile.mkdtemp(prefix="bastion-unpriv-")
    os.chmod(tmp, 0o755)
    failures = 0
    try:
        for case in CASES:
            shutil.copy(os.path.join(HERE, "cases", case), tmp)
        shutil.copytree(os.path.join(HERE, "..", "drv", "cases", "src"), os.path.join(tmp, "src"), symlinks=True)
        subprocess.run(["chown", "-R", "65534:65534", tmp], check=True)
        results = {}
        for who in ("root", "nobody"):
            store = os.path.join(tmp, "store-" + who)
            # The default system-features differ by design: "kvm" (and with
            # it /dev/kvm in the sandbox) only for whoever may open /dev/kvm.
            cmd = [bin_, "nix-build", "--store", store, "--option", "sandbox-paths", "/bin/sh=" + args.busybox,
                   "--option", "system-features", "nixos-test benchmark big-parallel",
                   "--no-out-link"] + CASES
            env = dict(os.environ, HOME=tmp)
            if who == "nobody":
                cmd = [setpriv, "--reuid", "65534", "--regid", "65534", "--clear-groups"] + cmd
            p = subprocess.run(cmd, cwd=tmp, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            if p.returncode != 0:
                failures += 1
                print("FAIL build as %s: exit %d\n%s" % (who, p.returncode, p.stderr.decode()))
                continue
            paths = p.stdout.decode().split()
            hashes = []
            for path in paths:
                q = subprocess.run(([setpriv, "--reuid", "65534", "--regid", "65534", "--clear-groups"] if who == "nobody" else [])
                                   + [bin_, "nix-store", "--store", store, "-q", "--hash", path],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                hashes.append(q.stdout.decode().strip())
            v = subprocess.run(([setpriv, "--reuid", "65534", "--regid", "65534", "--clear-groups"] if who == "nobody" else [])
                               + [bin_, "nix-store", "--store", store, "--verify", "--check-contents"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            if v.returncode != 0:
                failures += 1
                print("FAIL verify as %s:\n%s" % (who, v.stderr.decode()))
            results[who] = list(zip(paths, hashes))
        if len(results) == 2 and results["root"] != results["nobody"]:
            failures += 1
            print("FAIL root and nobody built different results:\n  %s\n  %s" % (results["root"], results["nobody"]))
        elif len(results) == 2:
            print("ok   %d outputs identical when built by root and by uid 65534" % len(results["root"]))
    finally:
        subprocess.run(["chmod", "-R", "u+w", tmp])
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
