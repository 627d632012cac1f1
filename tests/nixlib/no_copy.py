#!/usr/bin/env python3
"""nix/lib is our own code: no file of it may be identical or near-identical to a file of the
reference nixpkgs lib, and none may share a long run of consecutive lines with one.

  tests/nixlib/no_copy.py [--reference DIR]
"""
import argparse, difflib, os, sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
RUN = 8  # consecutive non-trivial lines in common that count as copied


def norm(text):
    lines = []
    for l in text.splitlines():
        l = " ".join(l.split())
        if l and not l.startswith("#") and len(l) > 3:
            lines.append(l)
    return lines


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reference", default=os.path.join(REPO, "..", "shared", "reference", "nixpkgs-lib"))
    args = ap.parse_args()
    if not os.path.isdir(args.reference):
        print("SKIP: no reference lib")
        return 77
    refs = {}
    for root, _, files in os.walk(args.reference):
        for f in files:
            if f.endswith(".nix"):
                p = os.path.join(root, f)
                refs[p] = norm(open(p, encoding="utf-8", errors="replace").read())
    bad = []
    ours_dir = os.path.join(REPO, "nix", "lib")
    for f in sorted(os.listdir(ours_dir)):
        p = os.path.join(ours_dir, f)
        if not f.endswith(".nix") or os.path.islink(p):
            continue
        ours = norm(open(p, encoding="utf-8").read())
        for rp, ref in refs.items():
            if ours == ref:
                bad.append(f"{f} is identical to {rp}")
                continue
            sm = difflib.SequenceMatcher(None, ours, ref, autojunk=False)
            if sm.quick_ratio() > 0.8 and sm.ratio() > 0.8:
                bad.append(f"{f} is near-identical to {rp} (ratio {sm.ratio():.2f})")
            longest = max((m.size for m in sm.get_matching_blocks()), default=0)
            if longest >= RUN:
                bad.append(f"{f} shares {longest} consecutive lines with {rp}")
    for b in bad:
        print("FAIL " + b)
    print(f"no_copy: {len(bad)} problems")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
