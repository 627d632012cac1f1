#!/usr/bin/env python3
"""Differential test of Bastion's garbage collector and nix-store's
store-inspection operations against Nix 2.8.

Small throw-away stores are filled with reference chains (builtins.toFile
texts mentioning other toFile paths, a derivation, files added with
nix-store --add) and then:

  * queried by both tools (-q --references/--referrers/--referrers-closure/
    --requisites/--tree/--graph/--hash/--size/--deriver/--outputs/
    --binding/--roots, --check-validity, --verify-path, --gc --print-roots/
    --print-live/--print-dead, --read-log): same stdout and exit code;
  * copied, and each copy collected by one tool (--gc, --delete, --max-freed,
    nix-collect-garbage -d): the same paths remain, the same summary line is
    printed, and Nix's `--verify --check-contents` is clean on the store
    Bastion collected;
  * optimised by each tool: the same files end up hard-linked;
  * corrupted (a file made writable and changed): --verify --check-contents
    and --verify-path report it with Nix's messages and exit codes.

Usage: run.py --bin build/bastion [--nix-store nix-store]
"""
import argparse
import os
import shutil
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import bastion_test as bt  # noqa: E402

ENV = bt.nix_env(conf="sandbox = false", NIX_REMOTE="")
report = bt.Report()


def capture(cmd, env=ENV):
    """bt.run in this test's environment, output as text (subprocess's text mode)."""
    return bt.run(cmd, env=env, newlines=True)


def check(name, cond, detail=""):  # name first: it reads as a heading here
    report.check(cond, name, detail)


class Tools:
    def __init__(self, bastion, nix_store, nix_instantiate, nix_collect_garbage):
        self.bastion = bastion
        self.nix_store = nix_store
        self.nix_instantiate = nix_instantiate
        self.nix_collect_garbage = nix_collect_garbage

    def nix(self, store, *args):
        return capture([self.nix_store, "--store", store, *args])

    def bas(self, store, *args):
        return capture([self.bastion, "nix-store", "--store", store, *args])

    def both(self, name, store, *args, stderr_lines=()):
        """Same exit code and stdout; the stderr lines given must appear in both."""
        n = self.nix(store, *args)
        b = self.bas(store, *args)
        ok = n[0] == b[0] and n[1] == b[1]
        for line in stderr_lines:
            ok = ok and line in n[2] and line in b[2]
        check(name, ok, f"  nix:     rc={n[0]} out={n[1]!r} err={n[2]!r}\n"
                        f"  bastion: rc={b[0]} out={b[1]!r} err={b[2]!r}")
        return n, b


def copy_store(src, dst):
    # cp -a keeps modes, mtimes and hard links.
    bt.run(["cp", "-a", src, dst], ok_codes=(0,))


def store_entries(store):
    return sorted(e for e in os.listdir(os.path.join(store, "nix/store")) if e != ".links")


def valid_paths(tools, store):
    rc, out, _ = tools.nix(store, "--dump-db")
    return sorted(l for l in out.splitlines() if l.startswith("/nix/store/") and "\n" not in l
                  ) if rc == 0 else None


EXPR = r'''
let
  a = builtins.toFile "a" "leaf";
  b = builtins.toFile "b" "b uses ${a}";
  c = builtins.toFile "c" "c uses ${b} and ${a}";
  d = builtins.toFile "d" "d uses ${a}";
  drv = derivation { name = "thing"; system = "x86_64-linux"; builder = "/bin/sh";
                     args = [ "-c" "echo ${c} > $out" ]; greeting = "hello there"; };
in { inherit a b c d; drv = drv.drvPath; }
'''


def make_store(tools, tmp, name):
    """A store with a chain c -> b -> a, d -> a, a .drv referring to c, and
    two added files with identical contents (for --optimise)."""
    store = os.path.join(tmp, name)
    expr = os.path.join(tmp, "e.nix")
    with open(expr, "w") as f:
        f.write(EXPR)
    paths = {}
    for attr in ["a", "b", "c", "d", "drv"]:
        rc, out, err = capture([tools.bastion, "nix-instantiate", "--store", store, "--eval",
                            "--read-write-mode", expr, "-A", attr])
        if rc != 0:
            sys.exit(f"bastion nix-instantiate failed: {err}")
        paths[attr] = out.strip().strip('"')
    files = os.path.join(tmp, "files-" + name)
    os.makedirs(os.path.join(files, "tree/sub"))
    for rel in ["one", "tree/two", "tree/sub/three"]:
        with open(os.path.join(files, rel), "w") as f:
            f.write("the same text\n" * 400)
    with open(os.path.join(files, "big"), "wb") as f:
        f.write(os.urandom(300000))
    for entry in ["one", "tree", "big"]:
        rc, out, err = tools.nix(store, "--add", os.path.join(files, entry))
        if rc != 0:
            sys.exit(f"nix-store --add failed: {err}")
        paths[entry] = out.strip()
    return store, paths


def test_queries(tools, store, p):
    for q in ["--references", "--referrers", "--referrers-closure", "--requisites", "--tree",
              "--hash", "--size", "--deriver", "--graph", "--outputs"]:
        tools.both(f"query {q}", store, "-q", q, p["c"], p["a"], p["drv"])
    tools.both("query -R --include-outputs", store, "-q", "-R", "--include-outputs", p["drv"])
    tools.both("query --binding", store, "-q", "--binding", "greeting", p["drv"])
    tools.both("query --binding missing", store, "-q", "--binding", "nope", p["drv"])
    tools.both("query invalid path", store, "-q", "--references",
               "/nix/store/00000000000000000000000000000000-x")
    tools.both("query conflicting flags", store, "-q", "--references", "--referrers", p["a"])
    tools.both("check-validity", store, "--check-validity", p["a"], p["b"])
    tools.both("check-validity --print-invalid", store, "--check-validity", "--print-invalid",
               p["a"], "/nix/store/00000000000000000000000000000000-x")
    tools.both("check-validity invalid", store, "--check-validity",
               "/nix/store/00000000000000000000000000000000-x")
    tools.both("verify-path", store, "--verify-path", p["a"], p["tree"])
    tools.both("print-fixed-path", store, "--print-fixed-path", "--recursive", "sha256",
               "1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s", "foo")
    tools.both("read-log missing", store, "--read-log", p["drv"])


def test_roots_and_liveness(tools, tmp, store, p):
    gcroots = os.path.join(store, "nix/var/nix/gcroots")
    os.symlink(p["b"], os.path.join(gcroots, "direct"))
    # An indirect root: gcroots/auto/x -> a link outside the store -> d.
    outside = os.path.join(tmp, "result")
    os.symlink(p["d"], outside)
    os.makedirs(os.path.join(gcroots, "auto"), exist_ok=True)
    os.symlink(outside, os.path.join(gcroots, "auto", "indirect"))
    os.symlink(os.path.join(tmp, "gone"), os.path.join(gcroots, "auto", "dangling"))
    tools.both("gc --print-roots", store, "--gc", "--print-roots")
    tools.both("query --roots", store, "-q", "--roots", p["a"])
    tools.both("gc --print-live", store, "--gc", "--print-live")
    tools.both("gc --print-dead", store, "--gc", "--print-dead")
    tools.both("delete of a live path is refused", store, "--delete", p["a"],
               stderr_lines=[f"Cannot delete path '{p['a']}' since it is still alive"])


def test_collect(tools, tmp, store, name, *args, nix_tool=None, bas_cmd=None):
    n_store = os.path.join(tmp, f"{name}-nix")
    b_store = os.path.join(tmp, f"{name}-bas")
    copy_store(store, n_store)
    copy_store(store, b_store)
    if nix_tool:
        # Nix 2.8's nix-collect-garbage finds profiles under NIX_STATE_DIR,
        # not under --store's root (Bastion uses the store's own).
        n = capture([nix_tool, "--store", n_store, *args], env=dict(ENV, NIX_STATE_DIR=os.path.join(n_store, "nix/var/nix")))
        b = capture([tools.bastion, bas_cmd, "--store", b_store, *args])
    else:
        n = tools.nix(n_store, *args)
        b = tools.bas(b_store, *args)
    check(f"{name}: exit code and summary", n[0] == b[0] and n[1] == b[1],
          f"  nix: {n}\n  bastion: {b}")
    check(f"{name}: same paths remain", store_entries(n_store) == store_entries(b_store),
          f"  nix: {store_entries(n_store)}\n  bastion: {store_entries(b_store)}")
    check(f"{name}: same valid paths", valid_paths(tools, n_store) == valid_paths(tools, b_store))
    v = tools.nix(b_store, "--verify", "--check-contents")
    check(f"{name}: Nix verifies Bastion's store", v[0] == 0 and "error" not in v[2], repr(v))


def add_profile(store, p):
    """profiles/p with generations 1 (-> b) and 2 (-> c, current)."""
    prof = os.path.join(store, "nix/var/nix/profiles")
    os.symlink(p["b"], os.path.join(prof, "p-1-link"))
    os.symlink(p["c"], os.path.join(prof, "p-2-link"))
    os.symlink("p-2-link", os.path.join(prof, "p"))


def test_why_depends(tools, store, p, nix):
    for extra in [[], ["--precise"], ["--all"]]:
        for pkg, dep in [(p["c"], p["a"]), (p["a"], p["c"])]:  # a .drv would be built by nix
            n = capture([nix, "--extra-experimental-features", "nix-command", "why-depends",
                     "--store", store, *extra, pkg, dep])
            b = capture([tools.bastion, "why-depends", "--store", store, *extra, pkg, dep])
            check(f"why-depends {' '.join(extra)} {os.path.basename(pkg)[33:]}",
                  n[:2] == b[:2], f"  nix: {n}\n  bastion: {b}")


def links_of(store):
    """For each file, the set of relative paths sharing its inode."""
    root = os.path.join(store, "nix/store")
    groups = {}
    for dirpath, dirs, files in os.walk(root):
        if ".links" in dirpath.split(os.sep):
            continue
        for f in files:
            full = os.path.join(dirpath, f)
            st = os.lstat(full)
            groups.setdefault(st.st_ino, []).append(os.path.relpath(full, root))
    return sorted(sorted(g) for g in groups.values() if len(g) > 1)


def test_optimise(tools, tmp, store):
    n_store = os.path.join(tmp, "opt-nix")
    b_store = os.path.join(tmp, "opt-bas")
    copy_store(store, n_store)
    copy_store(store, b_store)
    n = tools.nix(n_store, "--optimise")
    b = tools.bas(b_store, "--optimise")
    nl = [l for l in n[2].splitlines() if "freed by hard-linking" in l]
    bl = [l for l in b[2].splitlines() if "freed by hard-linking" in l]
    check("optimise: summary", n[0] == b[0] and nl == bl and len(nl) == 1, f"{n}\n{b}")
    check("optimise: same hard links", links_of(n_store) == links_of(b_store) != [],
          f"  nix: {links_of(n_store)}\n  bastion: {links_of(b_store)}")
    check("optimise: same .links", sorted(os.listdir(os.path.join(n_store, "nix/store/.links"))) ==
          sorted(os.listdir(os.path.join(b_store, "nix/store/.links"))))
    v = tools.nix(b_store, "--verify", "--check-contents")
    check("optimise: Nix verifies Bastion's store", v[0] == 0, repr(v))
    # A second run links nothing more.
    b2 = tools.bas(b_store, "--optimise")
    check("optimise: idempotent", "0.00 MiB freed by hard-linking 0 files" in b2[2], repr(b2))


def test_corruption(tools, tmp, store, p):
    c_store = os.path.join(tmp, "corrupt")
    copy_store(store, c_store)
    victim = os.path.join(c_store, "nix/store", os.path.basename(p["b"]))
    os.chmod(victim, 0o644)
    with open(victim, "a") as f:
        f.write("tampered")
    os.chmod(victim, 0o444)
    n = tools.nix(c_store, "--verify", "--check-contents")
    b = tools.bas(c_store, "--verify", "--check-contents")
    msg = lambda err: [l for l in err.splitlines() if "was modified" in l or "not all store" in l]
    check("verify --check-contents detects corruption",
          n[0] == b[0] == 1 and msg(n[2]) == msg(b[2]) and len(msg(n[2])) == 2, f"{n}\n{b}")
    tools.both("verify-path detects corruption", c_store, "--verify-path", p["b"], p["a"])
    # A vanished path without referrers is forgotten by both.
    for tool, sub in [(tools.nix, "vanish-nix"), (tools.bas, "vanish-bas")]:
        s = os.path.join(tmp, sub)
        copy_store(store, s)
        shutil.rmtree(os.path.join(s, "nix/store", os.path.basename(p["big"])))  \
            if os.path.isdir(os.path.join(s, "nix/store", os.path.basename(p["big"]))) else \
            os.unlink(os.path.join(s, "nix/store", os.path.basename(p["big"])))
        tool(s, "--verify")
    check("verify forgets vanished paths",
          valid_paths(tools, os.path.join(tmp, "vanish-nix")) ==
          valid_paths(tools, os.path.join(tmp, "vanish-bas")))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--nix-store", default="nix-store")
    ap.add_argument("--nix-instantiate", default="nix-instantiate")
    ap.add_argument("--nix-collect-garbage", default="nix-collect-garbage")
    ap.add_argument("--nix", default="nix", help="for why-depends")
    args = ap.parse_args()
    tools = Tools(os.path.abspath(args.bin), args.nix_store, args.nix_instantiate,
                  args.nix_collect_garbage)
    with bt.work_dir("bastion-gc-test-", real=True) as tmp:
        store, p = make_store(tools, tmp, "base")
        test_queries(tools, store, p)
        test_optimise(tools, tmp, store)
        test_corruption(tools, tmp, store, p)
        test_collect(tools, tmp, store, "gc-no-roots", "--gc")
        test_collect(tools, tmp, store, "delete-chain", "--delete", p["c"], p["b"])
        test_roots_and_liveness(tools, tmp, store, p)
        test_collect(tools, tmp, store, "gc-with-roots", "--gc")
        test_collect(tools, tmp, store, "gc-max-freed", "--gc", "--max-freed", "1")
        test_collect(tools, tmp, store, "delete-ignore-liveness", "--delete",
                     "--ignore-liveness", p["c"])
        test_collect(tools, tmp, store, "collect-garbage", nix_tool=args.nix_collect_garbage,
                     bas_cmd="nix-collect-garbage")
        add_profile(store, p)
        test_collect(tools, tmp, store, "collect-garbage -d", "-d",
                     nix_tool=args.nix_collect_garbage, bas_cmd="nix-collect-garbage")
        test_collect(tools, tmp, store, "gc with a profile", "--gc")
        if shutil.which(args.nix):
            test_why_depends(tools, store, p, args.nix)
    return report.summary()


if __name__ == "__main__":
    sys.exit(main())
