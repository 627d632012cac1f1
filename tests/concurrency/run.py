#!/usr/bin/env python3
"""Two processes build the same derivation at the same moment, into one
store: exactly one of them runs the builder, the other waits on Nix's
output locks and reuses the result. Both print the same output path, and
the store verifies afterwards.

Bastion takes the same lock files as Nix (<store>/<output>.lock, fcntl).
Mixing in a Nix 2.8 process is not tested: with `--store DIR`, Nix 2.8
does not keep its output locks while it builds (nothing shows in
/proc/locks) and aborts ("Assertion `newInfo.ca' failed") when it finds
its output registered by someone else meanwhile.
"""
import argparse
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import bastion_test as bt  # noqa: E402

EXPR = r'''
{ nonce }:
derivation {
  name = "slow-${nonce}";
  system = "x86_64-linux";
  builder = "/bin/sh";
  args = [ "-c" "echo BUILDER RAN >&2; sleep 1; echo ${nonce} > $out" ];
}
'''


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--busybox", default=bt.busybox())
    args = ap.parse_args()
    report = bt.Report()
    with bt.work_dir("bastion-conc-") as tmp:
        store = os.path.join(tmp, "store")
        expr = os.path.join(tmp, "slow.nix")
        bt.write_file(expr, EXPR)
        bastion = ([os.path.abspath(args.bin), "nix-build", "--store", store] + bt.bastion_sandbox_options(args.busybox)
                   + ["--no-out-link", expr])
        pairs = [("bastion+bastion", bastion, bastion),
                 ("bastion+bastion, -j2 each", bastion + ["-j", "2"], bastion + ["-j", "2"])]
        for n, (label, first, second) in enumerate(pairs):
            nonce = ["--argstr", "nonce", "n%d" % n]
            procs = [subprocess.Popen(c + nonce, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for c in (first, second)]
            results = [p.communicate() + (p.returncode,) for p in procs]
            ran = sum(r[1].decode().count("BUILDER RAN") for r in results)
            outs = {r[0].decode() for r in results}
            codes = [r[2] for r in results]
            verify = bt.run([os.path.abspath(args.bin), "nix-store", "--store", store, "--verify", "--check-contents"])
            ok = codes == [0, 0] and ran == 1 and len(outs) == 1 and verify.rc == 0
            report.check(ok, "%s: exit %s, builder ran %d time(s), %d distinct output(s)" % (label, codes, ran, len(outs)),
                         "\n".join(r[1].decode() for r in results))
    return report.summary()


if __name__ == "__main__":
    sys.exit(main())
