#!/usr/bin/env python3
"""Interoperability of Bastion's local store with Nix 2.8's.

Builds the same content into two throw-away stores, one with Bastion
(store_tool) and one with Nix (nix-store / nix-instantiate --store DIR),
then checks, in both directions, that each tool reads and verifies what
the other wrote:

  * Nix's `--verify --check-contents` finds nothing wrong with a store
    Bastion created and filled;
  * the database schema (sqlite_master) and the rows Bastion writes are
    Nix's, apart from ids and registration times;
  * `nix-store -q --references/--hash/--size` on Bastion's store agree with
    Bastion's own view, and Bastion reads paths, references, NAR hashes and
    derivations from a store Nix wrote;
  * each tool can keep adding to a store the other created.

usage: interop.py --tool build/store_tool [--nix-store nix-store] [--nix-instantiate nix-instantiate]
Exit status 0 when every check passes; failures are listed (FAIL lines), then the tally.
"""
import argparse
import json
import os
import sqlite3
import stat
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import bastion_test as bt  # noqa: E402

# Checks are phrased as what went wrong, so only failures are printed.
report = bt.Report(show_ok=False)

# Progress lines `nix-store --verify` prints on a healthy store.
VERIFY_NOISE = (
    "reading the Nix store...",
    "checking path existence...",
    "checking link hashes...",
    "checking store hashes...",
)


def call(cmd, ok_codes=(0,)):
    """bt.run as root without a nixbld group (which silences Nix's warning
    about it); any other exit status than ok_codes raises."""
    return bt.run(cmd, env=bt.nix_env(conf=os.environ.get("NIX_CONFIG", "")), newlines=True, ok_codes=ok_codes)


def make_inputs(d):
    """hello.txt and a small tree (file, executable, symlink, empty dir)."""
    with open(os.path.join(d, "hello.txt"), "w") as f:
        f.write("hello\n")
    src = os.path.join(d, "src")
    os.makedirs(os.path.join(src, "sub"))
    os.makedirs(os.path.join(src, "e"))
    with open(os.path.join(src, "a"), "w") as f:
        f.write("hello\n")
    x = os.path.join(src, "sub", "x")
    with open(x, "w") as f:
        f.write("#!/bin/sh\n")
    os.chmod(x, 0o755)
    os.symlink("a", os.path.join(src, "l"))
    with open(os.path.join(d, "foo.txt"), "w") as f:
        f.write("bar")


def db_path(root):
    return os.path.join(root, "nix", "var", "nix", "db", "db.sqlite")


def sql(root, query):
    con = sqlite3.connect("file:%s?mode=ro" % db_path(root), uri=True)
    try:
        return con.execute(query).fetchall()
    finally:
        con.close()


def rows(root):
    """ValidPaths without id/registrationTime, and references, by path."""
    out = {}
    for path, h, deriver, size, ultimate, sigs, ca in sql(
            root, "select path, hash, deriver, narSize, ultimate, sigs, ca from ValidPaths"):
        refs = sorted(r for (r,) in sql(
            root, "select v2.path from Refs join ValidPaths v1 on referrer = v1.id "
                  "join ValidPaths v2 on reference = v2.id where v1.path = '%s'" % path))
        out[path] = (h, deriver, size, ultimate, sigs, ca, refs)
    return out


def drv_outputs(root):
    return sorted(sql(root, "select v.path, o.id, o.path from DerivationOutputs o "
                            "join ValidPaths v on o.drv = v.id"))


def nix_query(nix_store, root, path):
    refs = sorted(call([nix_store, "--store", root, "-q", "--references", path]).stdout.split())
    h = call([nix_store, "--store", root, "-q", "--hash", path]).stdout.strip()
    size = int(call([nix_store, "--store", root, "-q", "--size", path]).stdout.strip())
    return refs, h, size


def nix32_to_base16(nix_store, h):
    algo, digest = h.split(":", 1)
    nix_hash = os.path.join(os.path.dirname(nix_store), "nix-hash")
    if not os.path.exists(nix_hash):
        nix_hash = "nix-hash"
    return algo + ":" + call([nix_hash, "--type", algo, "--to-base16", digest]).stdout.strip()


def verify(nix_store, root, label):
    p = call([nix_store, "--store", root, "--verify", "--check-contents"], ok_codes=(0, 1))
    noise = [l for l in p.stderr.splitlines() if l.strip() and l.strip() not in VERIFY_NOISE]
    report.check(p.returncode == 0 and not noise,
          "%s: nix-store --verify --check-contents reported: rc=%d %s" % (label, p.returncode, noise))


DRV_EXPR = r'''
let
  src = %(src)s;
  foo = builtins.toFile "foo" "bar";
  filtered = builtins.path { path = %(tree)s; name = "filtered";
                             filter = p: t: baseNameOf p != "sub"; };
  a = derivation { name = "a"; system = "x"; builder = "/bin/sh"; };
in derivation {
  name = "d"; system = "x86_64-linux"; builder = "/bin/sh";
  inherit src a filtered; args = [ foo ]; outputs = [ "out" "dev" ];
}
'''


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tool", required=True)
    ap.add_argument("--nix-store", default="nix-store")
    ap.add_argument("--nix-instantiate", default="nix-instantiate")
    args = ap.parse_args()
    tool, nix_store = args.tool, args.nix_store

    nrows, brows = {}, {}
    with bt.work_dir("bastion-store-interop-", real=True) as work:
        inputs = os.path.join(work, "in")
        os.makedirs(inputs)
        make_inputs(inputs)
        hello, tree, foo = (os.path.join(inputs, n) for n in ("hello.txt", "src", "foo.txt"))
        bst, nst = os.path.join(work, "bastion"), os.path.join(work, "nix")
        os.makedirs(bst)
        os.makedirs(nst)

        def b(*a):
            return call([tool] + list(a)).stdout.split()

        # --- the same content, written by each tool -------------------------
        adds = [  # (store_tool flags, nix-store args)
            (["src", tree], ["--add", tree]),
            (["hello.txt", hello, "--flat", "--algo", "sha1"], ["--add-fixed", "sha1", hello]),
            (["src", tree, "--algo", "md5"], ["--add-fixed", "--recursive", "md5", tree]),
            (["hello.txt", hello, "--algo", "sha512"], ["--add-fixed", "--recursive", "sha512", hello]),
            (["hello.txt", hello], ["--add", hello]),
        ]
        for bargs, nargs in adds:
            bp = b("add-path", bst, *bargs)[0]
            np_ = call([nix_store, "--store", nst] + nargs).stdout.strip()
            report.check(bp == np_, "add %s: bastion %s, nix %s" % (nargs, bp, np_))

        # A derivation with sources, a text file, an input derivation and a
        # filtered source, instantiated by Nix ...
        expr = DRV_EXPR % {"src": hello, "tree": tree}
        n_drv = call([args.nix_instantiate, "--store", nst, "-E", expr]).stdout.strip()
        # ... and by Bastion, from the same pieces.
        foo_path = b("add-text", bst, "foo", foo)[0]
        filtered = b("add-path", bst, "filtered", tree, "--exclude", "sub")[0]
        with open(os.path.join(nst, n_drv.lstrip("/"))) as f:
            n_text = f.read()
        n_inputs = [l for l in n_text.split('"') if l.endswith("-a.drv")]
        a_drv_path = n_inputs[0]
        with open(os.path.join(nst, a_drv_path.lstrip("/"))) as f:
            a_text = f.read()
        aterm = os.path.join(work, "a.aterm")
        with open(aterm, "w") as f:
            f.write(a_text)
        report.check(b("write-drv", bst, "a", aterm)[0] == a_drv_path, "write-drv a")
        dterm = os.path.join(work, "d.aterm")
        with open(dterm, "w") as f:
            f.write(n_text)
        b_drv = b("write-drv", bst, "d", dterm)[0]
        report.check(b_drv == n_drv, "write-drv d: bastion %s, nix %s" % (b_drv, n_drv))
        report.check(filtered in n_text, "filtered source %s not among Nix's inputs" % filtered)
        report.check(foo_path in n_text, "toFile path %s not among Nix's inputs" % foo_path)
        r_path = b("add-text", bst, "r", foo, foo_path)[0]  # a text file with a reference

        # --- Nix reads Bastion's store ---------------------------------------
        verify(nix_store, bst, "bastion-written store")
        report.check(sql(bst, "select type, name, tbl_name, sql from sqlite_master order by name")
              == sql(nst, "select type, name, tbl_name, sql from sqlite_master order by name"),
              "sqlite_master differs from Nix's")
        report.check(sql(bst, "pragma journal_mode") == [("wal",)], "journal mode is not WAL")
        with open(os.path.join(bst, "nix/var/nix/db/schema")) as f:
            report.check(f.read() == "10", "schema file")
        brows, nrows = rows(bst), rows(nst)
        for path, row in nrows.items():
            report.check(brows.get(path) == row, "row of %s: bastion %s, nix %s" % (path, brows.get(path), row))
        report.check(drv_outputs(bst) == drv_outputs(nst), "DerivationOutputs: bastion %s, nix %s"
              % (drv_outputs(bst), drv_outputs(nst)))
        for path in list(brows):
            info = json.loads(call([tool, "info", bst, path]).stdout)
            refs, h, size = nix_query(nix_store, bst, path)
            report.check(refs == sorted(info["references"]), "references of %s" % path)
            report.check(nix32_to_base16(nix_store, h) == info["narHash"], "hash of %s" % path)
            report.check(size == info["narSize"], "size of %s" % path)
        report.check(json.loads(call([tool, "info", bst, r_path]).stdout)["references"] == [foo_path],
              "references of %s" % r_path)
        # Store objects are canonical as Nix makes them.
        for path in brows:
            real = os.path.join(bst, path.lstrip("/"))
            for dirpath, dirs, files in os.walk(real):
                for n in [dirpath] + [os.path.join(dirpath, f) for f in files + dirs]:
                    st = os.lstat(n)
                    if not stat.S_ISLNK(st.st_mode):
                        report.check(stat.S_IMODE(st.st_mode) in (0o444, 0o555), "mode of %s" % n)
                    report.check(int(st.st_mtime) == 1, "mtime of %s" % n)
        # Nix keeps adding to the store Bastion created.
        extra = os.path.join(work, "extra.txt")
        with open(extra, "w") as f:
            f.write("extra")
        e_path = call([nix_store, "--store", bst, "--add", extra]).stdout.strip()
        report.check(call([tool, "valid", bst, e_path], ok_codes=(0, 1)).returncode == 0,
              "bastion does not see %s added by nix" % e_path)
        verify(nix_store, bst, "bastion-created store after a Nix add")

        # --- Bastion reads Nix's store ---------------------------------------
        for path in nrows:
            info = json.loads(call([tool, "info", nst, path]).stdout)
            refs, h, size = nix_query(nix_store, nst, path)
            report.check(refs == sorted(info["references"]), "nix store: references of %s" % path)
            report.check(nix32_to_base16(nix_store, h) == info["narHash"], "nix store: hash of %s" % path)
            report.check(size == info["narSize"], "nix store: size of %s" % path)
            report.check(info["ca"] == (nrows[path][5] or ""), "nix store: ca of %s" % path)
        report.check(call([tool, "read-drv", nst, n_drv]).stdout == n_text, "read-drv of Nix's %s" % n_drv)
        # Bastion adds to Nix's store: known paths stay as they are, new ones verify.
        before = rows(nst)
        b("add-path", nst, "src", tree)
        report.check(rows(nst) == before, "re-adding a path Nix added changed the database")
        new_text = os.path.join(work, "new.txt")
        with open(new_text, "w") as f:
            f.write("new")
        b("add-text", nst, "new", new_text)
        b("add-path", nst, "new-src", tree, "--algo", "sha1")
        verify(nix_store, nst, "nix-created store after Bastion adds")

    print("store interop: %d paths Nix wrote, %d Bastion wrote" % (len(nrows), len(brows)))
    return report.summary()


if __name__ == "__main__":
    sys.exit(main())
