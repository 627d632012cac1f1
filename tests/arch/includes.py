#!/usr/bin/env python3
"""arch.includes: every #include "layer/..." in src/ must point down or into
its own layer (ARCHITECTURE.md). Prints each upward or sideways edge as
file:line: and exits 1 when there is one.

    tests/arch/includes.py [--src DIR]
"""
import argparse
import os
import re
import sys

# Bottom to top. A layer may include itself and anything earlier in the
# list. pkgs and os sit between build and cli; os may use pkgs, pkgs may not
# use os.
LAYERS = ["util", "format", "store", "lang", "build", "pkgs", "os", "cli"]
RANK = {name: i for i, name in enumerate(LAYERS)}

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def check(src):
    bad = []
    for root, _, files in os.walk(src):
        for f in sorted(files):
            if not f.endswith((".h", ".hpp", ".cpp", ".cc", ".c")):
                continue
            path = os.path.join(root, f)
            rel = os.path.relpath(path, src)
            layer = rel.split(os.sep)[0]
            if layer not in RANK:
                bad.append(f"{rel}: not in a layer (known: {', '.join(LAYERS)})")
                continue
            with open(path, encoding="utf-8", errors="replace") as fh:
                for n, line in enumerate(fh, 1):
                    m = INCLUDE.match(line)
                    if not m:
                        continue
                    kind, target = m.groups()
                    top = target.split("/")[0]
                    if kind == '"' and "/" not in target:
                        bad.append(f"{rel}:{n}: #include \"{target}\" does not name its layer")
                    elif top in RANK and RANK[top] > RANK[layer]:
                        bad.append(f"{rel}:{n}: {layer} includes {target}: "
                                   f"'{top}' is above '{layer}'")
                    elif kind == '"' and top not in RANK:
                        bad.append(f"{rel}:{n}: #include \"{target}\": '{top}' is not a layer")
    return bad


def main():
    ap = argparse.ArgumentParser()
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--src", default=os.path.join(here, "..", "..", "src"))
    args = ap.parse_args()
    bad = check(args.src)
    for b in bad:
        print(b)
    if bad:
        print(f"{len(bad)} include(s) cross the layers; order: {' < '.join(LAYERS)}")
        return 1
    print(f"includes follow the layers: {' < '.join(LAYERS)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
