#!/usr/bin/env python3
"""nix-store --export / --import against Nix 2.8, both ways.

A small closure (a source, a text file, outputs referring to each other and
to a .drv) is built by Nix 2.8 into a throw-away store N. Then:

  - `bastion nix-store --export` of the closure, read from N, must be
    byte-identical to `nix-store --export` of it (the order, NARs, magic,
    references, derivers);
  - `bastion nix-store --import` of Nix's stream into an empty store B must
    print what Nix's import prints, and afterwards Nix's --verify
    --check-contents finds nothing wrong in B and its queries
    (--references, --hash, --size, --deriver) agree with N's;
  - Nix's --import of Bastion's export of B works and verifies;
  - importing again changes nothing; a corrupt or truncated stream fails
    with exit status 1 (the paths before the damage are imported, as Nix
    imports them one at a time).
"""
import argparse
import os
import shutil
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import bastion_test as bt  # noqa: E402

EXPR = r'''
let
  mk = name: script: derivation { inherit name; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" script ]; };
  src = builtins.toFile "note" "a text file";
  a = mk "a" "mkdir $out; echo a > $out/file; ln -s file $out/link; cat ${src} > $out/copy";
  b = mk "b" "echo ${a} > $out";
in mk "c" "mkdir $out; echo ${b} > $out/b; echo ${src} > $out/src; echo ${builtins.unsafeDiscardOutputDependency (mk "d" "x").drvPath} > $out/drv"
'''

report = bt.Report()
check = report.check


def queries(nix_store, store, paths):
    out = {}
    for p in paths:
        out[p] = [bt.run([nix_store, "--store", store, "-q", q, p]).stdout
                  for q in ("--references", "--hash", "--size", "--deriver")]
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--nix-build", default=shutil.which("nix-build"))
    ap.add_argument("--nix-store", default=shutil.which("nix-store"))
    ap.add_argument("--busybox", default=bt.busybox())
    args = ap.parse_args()
    if not args.nix_build or not args.nix_store:
        return bt.skip("Nix 2.8 not found", code=0)
    bastion = [os.path.abspath(args.bin), "nix-store"]
    with bt.work_dir("bastion-export-") as tmp:
        n, b, n2 = (os.path.join(tmp, x) for x in ("nix", "bastion", "nix2"))
        expr = os.path.join(tmp, "closure.nix")
        with open(expr, "w") as f:
            f.write(EXPR)
        r = bt.run([args.nix_build, "--store", n] + bt.nix_sandbox_options(args.busybox) + ["--no-out-link", expr])
        if r.returncode != 0:
            print(r.stderr.decode())
            return 1
        top = r.stdout.decode().strip()
        drv = bt.run([args.nix_store, "--store", n, "-q", "--deriver", top]).stdout.decode().strip()
        paths = bt.run([args.nix_store, "--store", n, "-qR", top, drv]).stdout.decode().split()
        check(len(paths) >= 8, "the closure of the output and its .drv has %d paths" % len(paths))

        want = bt.run([args.nix_store, "--store", n, "--export"] + paths)
        got = bt.run(bastion + ["--store", n, "--export"] + paths)
        check(want.returncode == 0 and got.returncode == 0, "both export")
        check(got.stdout == want.stdout, "export of Nix's store byte-identical (%d bytes)" % len(want.stdout))

        imp_b = bt.run(bastion + ["--store", b, "--import"], stdin=want.stdout)
        imp_n = bt.run([args.nix_store, "--store", n2, "--import"], stdin=want.stdout)
        check(imp_b.returncode == 0, "bastion imports Nix's export " + imp_b.stderr.decode())
        check(imp_b.stdout == imp_n.stdout, "the same paths printed by both imports")
        v = bt.run([args.nix_store, "--store", b, "--verify", "--check-contents"])
        check(v.returncode == 0 and b"error" not in v.stderr, "Nix verifies the imported store")
        imported = imp_n.stdout.decode().split()
        check(queries(args.nix_store, b, imported) == queries(args.nix_store, n2, imported),
              "references, hashes, sizes and derivers as after Nix's import")

        again = bt.run(bastion + ["--store", b, "--import"], stdin=want.stdout)
        check(again.returncode == 0 and again.stdout == imp_b.stdout, "importing again is harmless")

        back = bt.run(bastion + ["--store", b, "--export"] + imported)
        n3 = os.path.join(tmp, "nix3")
        imp3 = bt.run([args.nix_store, "--store", n3, "--import"], stdin=back.stdout)
        check(back.returncode == 0 and imp3.returncode == 0, "Nix imports Bastion's export")
        check(back.stdout == want.stdout
              or bt.run([args.nix_store, "--store", n2, "--export"] + imported).stdout == back.stdout,
              "Bastion's export of its import equals Nix's export of Nix's import")
        v3 = bt.run([args.nix_store, "--store", n3, "--verify", "--check-contents"])
        check(v3.returncode == 0, "and verifies it")

        # Not closed under references: both refuse the path whose reference
        # is missing, with the same message.
        open_set = bt.run([args.nix_store, "--store", n, "--export", top, drv]).stdout
        rb = bt.run(bastion + ["--store", os.path.join(tmp, "open-b"), "--import"], stdin=open_set)
        rn = bt.run([args.nix_store, "--store", os.path.join(tmp, "open-n"), "--import"], stdin=open_set)
        err = lambda r: [l for l in r.stderr.decode().splitlines() if l.startswith("error:")]
        check(rb.returncode == rn.returncode == 1 and err(rb) == err(rn) and rb.stdout == rn.stdout,
              "a stream that is not closed fails alike: %s" % err(rb))

        bad = os.path.join(tmp, "bad")
        for label, data in (("truncated", want.stdout[:len(want.stdout) // 2]),
                            ("bad magic", want.stdout.replace(b"NIXE", b"NIXF", 1)),
                            ("not an export", b"\x02" + b"\0" * 7)):
            r = bt.run(bastion + ["--store", bad, "--import"], stdin=data)
            valid = bt.run([args.nix_store, "--store", bad, "--verify"]).returncode
            check(r.returncode == 1 and b"error:" in r.stderr, "%s stream refused: %s" % (label, r.stderr.decode().strip()))
    return report.summary()


if __name__ == "__main__":
    sys.exit(main())
