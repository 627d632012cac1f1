#!/usr/bin/env python3
"""Differential tests of ``bastion nix-store --dump/--restore`` and
``bastion nix-hash`` against Nix 2.8's own tools.

A tree with every kind of file system object is built in a temporary
directory: empty, small, large (> 1 MiB) and NUL-bearing regular files,
executables (and files executable by group/others only, which Nix does not
count as executable), relative/absolute/dangling symlinks, nested and empty
directories, and names with spaces, newlines, UTF-8, invalid UTF-8 and
letters whose byte order differs from a locale's order.  Then:

  * dump:     ``bastion nix-store --dump P`` == ``nix-store --dump P``, byte
              for byte, for the tree and every object in it;
  * hash:     ``bastion nix-hash [FLAGS] P`` == ``nix-hash [FLAGS] P`` (stdout,
              stderr and exit code) for every combination of --flat, --base32,
              --truncate and --type, plus bad command lines (unknown type,
              unknown flag, missing file, ...);
  * convert:  ``--to-base16/--to-base32`` of every hash in every encoding,
              and of malformed hashes (same stdout, stderr, exit code);
  * store:    nix-store's argument errors (no operation, two operations, ...);
  * restore:  dump -> ``--restore`` -> dump gives the same bytes (also across
              Bastion and Nix in both directions), and hostile or corrupt
              archives are refused with exit code 1 leaving nothing behind.

Without Nix (``nix-hash``/``nix-store`` not on PATH, or ``--no-nix``) only
the checks that need no reference run: the restore round trips and the
hostile archives.  Nix's "warning:" lines on stderr (about its build users
group, unknown settings, ...) are dropped before comparing.  The last line
printed is ``N passed, M failed``; the exit status is 1 if anything failed.
"""

import argparse
import functools
import itertools
import os
import shutil
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import bastion_test as bt  # noqa: E402

# Only failures are printed: there are hundreds of checks.
report = bt.Report(show_ok=False)
check = report.check
show = bt.show


def call(cmd, stdin=b"", cwd=None):
    """bt.run with argv[0] the bare name, as from PATH (Nix prints it in its
    hints), stdin an empty pipe unless given, Nix's warnings dropped."""
    return bt.run(cmd, stdin=stdin, cwd=cwd, argv0=os.path.basename(cmd[0]), drop_warnings=True)


def compare(what, nix_cmd, bastion_cmd, **kw):
    """Nix's and Bastion's command agree: exit status, stdout, stderr."""
    return bt.compare(report, what, nix_cmd, bastion_cmd, runner=call, **kw)


# ---------------------------------------------------------------- the tree

def build_tree(root):
    """Creates the test tree under `root` (a bytes path); returns the
    objects worth dumping on their own, relative to root."""
    def w(rel, data, mode=0o644):
        p = os.path.join(root, rel)
        with open(p, "wb") as f:
            f.write(data)
        os.chmod(p, mode)

    os.makedirs(os.path.join(root, b"dir/sub/deeper/deepest"))
    os.makedirs(os.path.join(root, b"empty-dir"))
    os.makedirs(os.path.join(root, b"dir/empty"))
    w(b"empty", b"")
    w(b"small", b"hello\n")
    w(b"seven", b"1234567")  # one short of the padding boundary
    w(b"eight", b"12345678")  # exactly on it
    w(b"nul-bytes", b"\0a\0\0b" * 1000 + b"\0")
    w(b"large", os.urandom(3 * 1024 * 1024 + 5))  # > 1 MiB, not a multiple of 8
    w(b"exec", b"#!/bin/sh\necho hi\n", 0o755)
    w(b"exec-user-only", b"x", 0o700)
    w(b"exec-group-other", b"x", 0o655)  # no owner x bit: not executable for Nix
    w(b"read-only", b"ro", 0o444)
    w(b"dir/sub/deeper/deepest/leaf", b"leaf")
    w(b"dir/sub/file", b"sub file\n" * 100)
    os.symlink(b"small", os.path.join(root, b"link-relative"))
    os.symlink(b"../small", os.path.join(root, b"dir/link-up"))
    os.symlink(b"/etc/passwd", os.path.join(root, b"link-absolute"))
    os.symlink(b"does-not-exist", os.path.join(root, b"link-dangling"))
    os.symlink(b"dir", os.path.join(root, b"link-to-dir"))
    os.symlink(b"x" * 1000, os.path.join(root, b"link-long"))
    # Names: bytewise order differs from a locale's (case, punctuation,
    # accents), plus spaces, a newline, UTF-8 and invalid UTF-8.
    names = [b"B", b"a", b"Z", b"z", b"_under", b"-dash", b".hidden", b"a.b", b"a-b", b"a_b",
             b"with space", b"new\nline", "caf\u00e9".encode(), "\u00e9t\u00e9".encode(),
             "\u65e5\u672c".encode(), b"\xff\xfe-not-utf8", b"\x01ctl", b"x" * 255]
    odd = os.path.join(root, b"names")
    os.makedirs(odd)
    for n in names:
        with open(os.path.join(odd, n), "wb") as f:
            f.write(n)
    return [b"", b"empty", b"small", b"seven", b"eight", b"nul-bytes", b"large", b"exec",
            b"exec-user-only", b"exec-group-other", b"read-only", b"dir", b"dir/sub", b"empty-dir",
            b"names", b"link-relative", b"link-absolute", b"link-dangling", b"link-to-dir",
            b"link-long"]


# ---------------------------------------------------------------- NARs by hand

def nstr(s):
    if isinstance(s, str):
        s = s.encode()
    return struct.pack("<Q", len(s)) + s + b"\0" * ((8 - len(s) % 8) % 8)


def nar(*tokens):
    return b"".join(nstr(t) for t in tokens)


def regular(contents, executable=False):
    t = ["(", "type", "regular"] + (["executable", ""] if executable else []) + ["contents", contents, ")"]
    return t


def directory(*entries):
    t = ["(", "type", "directory"]
    for name, node in entries:
        t += ["entry", "(", "name", name, "node"] + node + [")"]
    return t + [")"]


def hostile_nars():
    ok_file = regular(b"data")
    good = nar("nix-archive-1", *directory(("a", ok_file), ("b", ok_file)))
    deep = ["(", "type", "regular", "contents", "x", ")"]
    for _ in range(1100):
        deep = directory(("d", deep))
    cases = {
        "empty input": b"",
        "bad magic": nar("nix-archive-2", *ok_file),
        "not a NAR": b"garbage\n",
        "truncated": good[:-13],
        "trailing data": good + b"\0" * 8,
        "entry ..": nar("nix-archive-1", *directory(("..", ok_file))),
        "entry .": nar("nix-archive-1", *directory((".", ok_file))),
        "entry with slash": nar("nix-archive-1", *directory(("a/b", ok_file))),
        "entry with NUL": nar("nix-archive-1", *directory(("a\0b", ok_file))),
        "empty entry name": nar("nix-archive-1", *directory(("", ok_file))),
        "unsorted entries": nar("nix-archive-1", *directory(("b", ok_file), ("a", ok_file))),
        "duplicate entries": nar("nix-archive-1", *directory(("a", ok_file), ("a", ok_file))),
        "escape via symlink dir": nar("nix-archive-1", *directory(
            ("a", ["(", "type", "symlink", "target", "/tmp", ")"]),
            ("a", directory(("x", ok_file))))),
        "empty symlink target": nar("nix-archive-1", "(", "type", "symlink", "target", "", ")"),
        "unknown node type": nar("nix-archive-1", "(", "type", "fifo", ")"),
        "nonzero padding": good.replace(nstr("data"), struct.pack("<Q", 4) + b"data\1\0\0\0", 1),
        "huge contents length": nar("nix-archive-1", "(", "type", "regular", "contents")
        + struct.pack("<Q", 1 << 62) + b"abc",
        "huge name length": nar("nix-archive-1", "(", "type", "directory", "entry", "(", "name")
        + struct.pack("<Q", 1 << 40),
        "deep nesting": nar("nix-archive-1", *deep),
    }
    # Valid up to a late point, then broken: files were already written.
    cases["late error"] = nar("nix-archive-1", *directory(("a", regular(b"x" * 100000)),
                                                         ("b", directory(("c", ok_file))),
                                                         ("c", ["(", "type", "bogus", ")"])))
    return cases


# ---------------------------------------------------------------- checks

def check_dump(bastion, nix_store, root, objects):
    for rel in objects:
        p = os.path.join(root, rel) if rel else root
        compare(f"dump {rel.decode(errors='replace') or '<root>'}", [nix_store, "--dump", p],
                bastion + ["nix-store", "--dump", p])


def check_hash(bastion, nix_hash, root, objects):
    paths = [os.path.join(root, rel) if rel else root
             for rel in [b"", b"empty", b"large", b"exec", b"link-dangling", b"empty-dir"]]
    flags = ["--flat", "--base32", "--truncate"]
    for algo in [None, "md5", "sha1", "sha256", "sha512"]:
        for n in range(len(flags) + 1):
            for combo in itertools.combinations(flags, n):
                args = list(combo) + (["--type", algo] if algo else [])
                for p in paths:
                    compare(f"nix-hash {' '.join(args)} {os.path.basename(p).decode(errors='replace')}",
                            [nix_hash] + args + [p], bastion + ["nix-hash"] + args + [p])
    # Several paths at once, flags after paths, "--".
    small, large = os.path.join(root, b"small"), os.path.join(root, b"large")
    for args in [[small, large, root], [small, "--type", "sha1", large], ["--", small],
                 [small, "--base32"], ["-vv", "--option", "a", "b", small], ["--sandbox", small],
                 ["--no-sandbox", "--cores", "1", small]]:
        compare(f"nix-hash {args}", [nix_hash] + args, bastion + ["nix-hash"] + args)


BAD_COMMAND_LINES = [
    ["--type", "foo", "f"], ["--type", "SHA256", "f"], ["--type", "blake3", "f"], ["--type"],
    ["--flat", "missing"], ["missing"], ["--flat", "."], ["--base64", "f"], ["--sri", "f"],
    ["--to-sri", "x"], ["--to-base64", "x"], ["-x", "f"], ["-abc"], ["--type=sha256", "f"],
    ["--option", "x"], ["--", "--type", "sha1", "f"], ["--", "--flat"], ["--", "-x"], [""], [],
    ["f", "missing", "f"], ["--to-base32"], ["miss\n\ning"], ["--type", "a\nb", "f"],
]


def check_bad_command_lines(bastion, nix_hash, root):
    for args in BAD_COMMAND_LINES:
        compare(f"nix-hash {args}", [nix_hash] + args, bastion + ["nix-hash"] + args, cwd=root)


def check_convert(bastion, nix_hash, root):
    target = os.path.join(root, b"small")
    inputs = []
    for algo in ["md5", "sha1", "sha256", "sha512"]:
        h16 = call([nix_hash, "--type", algo, target])[1].decode().strip()
        h32 = call([nix_hash, "--type", algo, "--base32", target])[1].decode().strip()
        h64 = call(["python3", "-c", f"import base64,sys;print(base64.b64encode(bytes.fromhex('{h16}')).decode())"])[1].decode().strip()
        for text in [h16, h16.upper(), h32, h64, h64.rstrip("="), f"{algo}:{h16}", f"{algo}:{h32}",
                     f"{algo}:{h64}", f"{algo}-{h64}", f"{algo}-{h64.rstrip('=')}"]:
            inputs.append((algo, text))
        # Malformed variants.
        for text in [h16[:-1], h16[:-1] + "g", h32[:-1] + "e", "z" + h32[1:], h64[:-2] + "!=",
                     f"{algo}-" + h64[:-4], f"{algo}-!!", f"{algo}:", f"{algo}-", "", ":" + h16,
                     "foo:" + h16, "SHA256:" + h16, h16 + "0", f"{algo}:{h16}\n"]:
            inputs.append((algo, text))
    inputs.append(("sha256", "sha256:1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5z"))  # overflow bits
    for algo, text in inputs:
        for op in ["--to-base16", "--to-base32"]:
            for args in [[op, text], ["--type", algo, op, text]]:
                compare(f"nix-hash {args}", [nix_hash] + args, bastion + ["nix-hash"] + args)


def check_store_cli(bastion, nix_store, root):
    small = os.path.join(root, b"small")
    for args in [[], ["--foo"], ["--dump"], ["--dump", small, small], ["--dump", small, "--foo"],
                 ["--dump", small, "--restore", "x"], ["--dump", "--dump", small],
                 ["--dump", os.path.join(root, b"missing")], ["--restore"], ["--restore", "a", "b"],
                 ["-vv", "--dump", small], ["--add-root"]]:
        a = call(bastion + ["nix-store"] + args)
        b = call([nix_store] + args)
        if args == ["--dump", os.path.join(root, b"missing")]:
            # Nix flushes the magic it wrote before failing; Bastion writes
            # nothing. Only the message and the exit code must agree.
            a, b = (a[0], b"", a[2]), (b[0], b"", b[2])
        check(a == b, f"nix-store {args}", show(a) + "\n" + show(b))
    # An operation Bastion lacks must say so and fail, not pretend. Others
    # are being implemented, so only operations that are harmless when run
    # without operands are tried, and only a "not implemented" answer is checked.
    for op in ["--print-env", "--generate-binary-cache-key", "--repair-path"]:
        rc, out, err = call(bastion + ["nix-store", op])
        if b"not implemented" in err:
            check(rc == 1 and out == b"", f"nix-store {op} is refused", show((rc, out, err)))


def listing(d):
    return sorted(os.listdir(d))


def check_restore(bastion, nix_store, root, objects, work):
    dest_parent = os.path.join(work, b"restore")
    os.makedirs(dest_parent)
    for i, rel in enumerate(objects):
        p = os.path.join(root, rel) if rel else root
        name = rel.decode(errors="replace") or "<root>"
        rc, narbytes, err = call(bastion + ["nix-store", "--dump", p])
        check(rc == 0, f"restore {name}: dump", show((rc, narbytes, err)))
        dest = os.path.join(dest_parent, b"r%d" % i)
        r = call(bastion + ["nix-store", "--restore", dest], stdin=narbytes)
        check(r[0] == 0, f"restore {name}: restore", show(r))
        again = call(bastion + ["nix-store", "--dump", dest])
        check(again == (0, narbytes, b""), f"restore {name}: round trip", show(again))
        if nix_store:
            # Nix reads what Bastion restored, and Bastion what Nix restored.
            check(call([nix_store, "--dump", dest])[1] == narbytes, f"restore {name}: nix dumps bastion's")
            dest2 = os.path.join(dest_parent, b"n%d" % i)
            r = call([nix_store, "--restore", dest2], stdin=narbytes)
            check(r[0] == 0 and call(bastion + ["nix-store", "--dump", dest2])[1] == narbytes,
                  f"restore {name}: bastion dumps nix's", show(r))
    # Restoring over an existing path fails and leaves it alone.
    before = listing(dest_parent)
    r = call(bastion + ["nix-store", "--restore", os.path.join(dest_parent, b"r0")],
            stdin=call(bastion + ["nix-store", "--dump", os.path.join(root, b"small")])[1])
    check(r[0] == 1 and listing(dest_parent) == before, "restore onto an existing path", show(r))


def check_hostile(bastion, nix_store, work):
    parent = os.path.join(work, b"hostile")
    os.makedirs(parent)
    for name, data in hostile_nars().items():
        dest = os.path.join(parent, b"out")
        r = call(bastion + ["nix-store", "--restore", dest], stdin=data)
        check(r[0] == 1 and r[1] == b"" and r[2].startswith(b"error: ") and listing(parent) == [],
              f"hostile NAR refused: {name}", show(r) + f"\n  left: {listing(parent)}")
        for leftover in listing(parent):
            shutil.rmtree(os.path.join(parent, leftover), ignore_errors=True)
    # A well-formed archive is accepted by both (sanity check of the builders).
    ok = nar("nix-archive-1", *directory(("a", regular(b"data", True)), ("b", ["(", "type", "symlink", "target", "a", ")"])))
    r = call(bastion + ["nix-store", "--restore", os.path.join(parent, b"good")], stdin=ok)
    check(r[0] == 0 and call(bastion + ["nix-store", "--dump", os.path.join(parent, b"good")])[1] == ok,
          "hand-built NAR round trip", show(r))
    if nix_store:
        r = call([nix_store, "--restore", os.path.join(parent, b"good-nix")], stdin=ok)
        check(r[0] == 0, "hand-built NAR accepted by Nix", show(r))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", required=True, help="the bastion binary")
    ap.add_argument("--nix-hash", default=shutil.which("nix-hash"))
    ap.add_argument("--nix-store", default=shutil.which("nix-store"))
    ap.add_argument("--no-nix", action="store_true", help="skip everything that needs Nix")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    opts = ap.parse_args()
    bastion = [os.path.abspath(opts.bin)]
    nix_hash, nix_store = (None, None) if opts.no_nix else (opts.nix_hash, opts.nix_store)
    if not (nix_hash and nix_store):
        print("Nix not found (or --no-nix): only the round-trip and hostile-archive checks run")
        nix_hash = nix_store = None

    with bt.work_dir("bastion-nar-test-", keep=opts.keep) as work:
        work = os.fsencode(work)
        os.umask(0o022)
        root = os.path.join(work, b"tree")
        os.makedirs(root)
        objects = build_tree(root)
        # A file with an unsupported type (FIFO) is refused by both.
        fifo_dir = os.path.join(work, b"fifo")
        os.makedirs(fifo_dir)
        os.mkfifo(os.path.join(fifo_dir, b"pipe"))
        if nix_store:
            check_dump(bastion, nix_store, root, objects)
            a, b = call(bastion + ["nix-store", "--dump", fifo_dir]), call([nix_store, "--dump", fifo_dir])
            check(a[0] == b[0] == 1 and a[2] == b[2], "dump of a FIFO fails alike", show(a) + "\n" + show(b))
            check_store_cli(bastion, nix_store, root)
        if nix_hash:
            check_hash(bastion, nix_hash, root, objects)
            compare("nix-hash of a FIFO fails alike", [nix_hash, fifo_dir], bastion + ["nix-hash", fifo_dir])
            with open(os.path.join(root, b"f"), "wb") as f:  # for BAD_COMMAND_LINES
                f.write(b"f\n")
            check_bad_command_lines(bastion, nix_hash, root)
            os.unlink(os.path.join(root, b"f"))
            check_convert(bastion, nix_hash, root)
        check_restore(bastion, nix_store, root, objects, work)
        check_hostile(bastion, nix_store, work)
    return report.summary()


if __name__ == "__main__":
    sys.exit(main())
