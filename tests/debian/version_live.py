#!/usr/bin/env python3
"""debian.version.live: Bastion's Debian version order against
`dpkg --compare-versions` over many pairs: hand-picked hard cases (epochs,
tildes, leading zeros, letters against digits, '+' and '.', revisions),
random versions built from those pieces, and, when a lock's Packages index
is given (--index), neighbouring real versions of the suite. Skips (77)
without dpkg."""
import argparse, random, shutil, subprocess, sys

SKIP = 77
HARD = ["0", "1", "1.0", "1.0-1", "1.0-0", "1:0", "0:1.0", "1:1.0", "2:0.1", "1.0~rc1",
        "1.0~rc1-1", "1.0~~", "1.0~", "1.0~~a", "1.0a", "1.0+", "1.0+b1", "1.0.1", "1.00",
        "1.01", "1.001", "01.1", "1.0-1ubuntu1", "1.0-1~bpo1", "1.0-1+deb12u1", "1.0-1.1",
        "1.0-a", "1.0-1a", "1.0-1~", "10", "9", "1.10", "1.9", "1.0-10", "1.0-9", "2.30-1",
        "2.3a-1", "2.3-1", "7.6p2-4", "7.6-0", "1.0.0+git20230101", "1.0.0~git20230101",
        "3.0-2+b1", "1.2.3-4.5", "1a", "1A", "1.0-A", "1.0-z", "1.0-Z", "1.0-.", "1.0-+"]
PIECES = ["0", "1", "2", "10", "01", "a", "b", "Z", "~", "~~", "+", ".", "rc", "beta", "git", "9"]


def rand_version(r):
    v = r.choice(["", "", "", "1:", "2:", "0:"])
    v += r.choice(["0", "1", "2", "10", "3"])
    for _ in range(r.randint(0, 4)):
        v += r.choice(PIECES)
    if r.random() < 0.6:
        v += "-" + r.choice(["0", "1", "2", "1a", "1~", "1+b1", "1.1", "0ubuntu1", "10"])
    return v


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--random", type=int, default=3000)
    ap.add_argument("--index", help="a Packages file whose versions to compare too")
    a = ap.parse_args()
    if not shutil.which("dpkg"):
        print("dpkg not found: skipped")
        return SKIP
    r = random.Random(13)
    pairs = [(x, y) for x in HARD for y in HARD]
    pairs += [(rand_version(r), rand_version(r)) for _ in range(a.random)]
    if a.index:
        versions = sorted({l.split(":", 1)[1].strip() for l in open(a.index, errors="replace")
                           if l.startswith("Version:")})
        r.shuffle(versions)
        pairs += list(zip(versions, versions[1:]))[:3000]
    ours = subprocess.run([a.bin, "debian", "compare-versions", "--stdin"],
                          input="".join(f"{x} {y}\n" for x, y in pairs), capture_output=True,
                          text=True, check=True).stdout.split()
    assert len(ours) == len(pairs), (len(ours), len(pairs))
    # dpkg: one shell for all pairs, one line per answer.
    script = "".join(f"if dpkg --compare-versions '{x}' lt '{y}'; then echo -1; "
                     f"elif dpkg --compare-versions '{x}' eq '{y}'; then echo 0; "
                     f"else echo 1; fi\n" for x, y in pairs)
    theirs = subprocess.run(["sh"], input=script, capture_output=True, text=True).stdout.split()
    assert len(theirs) == len(pairs), (len(theirs), len(pairs))
    bad = [(x, y, o, t) for (x, y), o, t in zip(pairs, ours, theirs) if o != t]
    for x, y, o, t in bad[:20]:
        print(f"{x} vs {y}: bastion {o}, dpkg {t}")
    print(f"{len(pairs)} pairs: {len(pairs) - len(bad)} agree with dpkg, {len(bad)} differ")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
