#!/usr/bin/env python3
"""Builds started by an unprivileged user: the same cases built by root and
by uid 65534 (via setpriv, into a store the user owns) give the same
output paths and NAR hashes, and the user's store verifies. Skipped (exit
77) unless run as root with setpriv available.
"""
import argparse
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import bastion_test as bt  # noqa: E402

CASES = ["deps.nix", "tree.nix", "outputs.nix", "probe.nix"]


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--busybox", default=bt.busybox())
    args = ap.parse_args()
    setpriv = shutil.which("setpriv")
    if os.geteuid() != 0 or not setpriv:
        return bt.skip("needs root and setpriv")
    bin_ = os.path.abspath(args.bin)
    report = bt.Report()
    with bt.work_dir("bastion-unpriv-", mode=0o755) as tmp:
        for case in CASES:
            shutil.copy(os.path.join(HERE, "cases", case), tmp)
        shutil.copytree(os.path.join(HERE, "..", "drv", "cases", "src"), os.path.join(tmp, "src"), symlinks=True)
        bt.run(["chown", "-R", "65534:65534", tmp], ok_codes=(0,))
        results = {}
        for who in ("root", "nobody"):
            store = os.path.join(tmp, "store-" + who)
            # The default system-features differ by design: "kvm" (and with
            # it /dev/kvm in the sandbox) only for whoever may open /dev/kvm.
            cmd = [bin_, "nix-build", "--store", store, "--option", "sandbox-paths", "/bin/sh=" + args.busybox,
                   "--option", "system-features", "nixos-test benchmark big-parallel",
                   "--no-out-link"] + CASES
            env = dict(os.environ, HOME=tmp)
            as_who = [setpriv, "--reuid", "65534", "--regid", "65534", "--clear-groups"] if who == "nobody" else []
            p = bt.run(as_who + cmd, cwd=tmp, env=env, text=True)
            if not report.check(p.rc == 0, "build as %s" % who, "exit %s\n%s" % (p.rc, p.err)):
                continue
            paths = p.out.split()
            hashes = [bt.run(as_who + [bin_, "nix-store", "--store", store, "-q", "--hash", path], text=True).out.strip()
                      for path in paths]
            v = bt.run(as_who + [bin_, "nix-store", "--store", store, "--verify", "--check-contents"], text=True)
            report.check(v.rc == 0, "verify as %s" % who, v.err)
            results[who] = list(zip(paths, hashes))
        if len(results) == 2:
            report.check(results["root"] == results["nobody"],
                         "%d outputs identical when built by root and by uid 65534" % len(results["root"]),
                         "%s\n%s" % (results["root"], results["nobody"]))
    return report.summary()


if __name__ == "__main__":
    sys.exit(main())
