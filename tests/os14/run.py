#!/usr/bin/env python3
"""os.switch.*: a root directory's system generations (src/os).

    run.py --bin BASTION --only generations|kill|boot [--nix-store NIX_STORE]

The systems are test data, built here by `bastion nix-build` into a
throw-away source store (fixture.nix): the machine's static busybox
imported with builtins.path, a toplevel with `init` (a busybox script that
writes a marker and powers off), `etc/`, `usr/bin` with busybox's applets,
`nixos-version` and `kernel-params`.

generations  switch into a fresh root: the closure valid in the root's own
             store (`bastion nix-store --verify --check-contents`, and Nix's
             when given), the layout, the boot entry and loader.conf, the
             machine id kept; generation 2, an unchanged switch, list marks,
             rollback (and --to), delete (never the current one, by number
             and Nd), the garbage collector keeping the current closure;
             bad input failing with exit 1 and nothing written.
kill         `bastion os switch` killed with SIGKILL at random points: the
             old or the new generation is current, the store verifies, and
             the next switch completes.
boot         `bastion os run` boots the root in systemd-nspawn: the
             generation's init runs as PID 1; after a rollback the first
             generation boots again; --ephemeral leaves nothing behind;
             --netns prints the namespace's address, which the container
             has. Skips when systemd-nspawn cannot run a container here.
"""
import argparse
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import bastion_test as bt  # noqa: E402

FIXTURE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixture.nix")


class Env:
    def __init__(self, args, work):
        self.bin = os.path.abspath(args.bin)
        self.nix_store = args.nix_store
        self.work = work
        self.src = os.path.join(work, "src")
        os.makedirs(os.path.join(self.src, "nix"))
        self.tops = {}

    def bastion(self, *argv, timeout=120):
        return bt.run([self.bin] + list(argv), cwd=self.work, timeout=timeout, text=True)

    def toplevel(self, gen, payload=0):
        """The store path of the fixture system `gen` (built once)."""
        key = (gen, payload)
        if key not in self.tops:
            r = self.bastion("nix-build", "--store", self.src, FIXTURE, "--no-out-link",
                             "--argstr", "busybox", bt.busybox(), "--argstr", "gen", gen,
                             "--arg", "payload", str(payload), *bt.bastion_sandbox_options())
            if r.rc != 0:
                raise RuntimeError("building the fixture failed:\n" + r.err)
            self.tops[key] = r.out.strip()
        return self.tops[key]

    def switch(self, root, top):
        return self.bastion("os", "switch", "--toplevel", top, "--root", root, "--store", self.src)

    def verify(self, root):
        """(ok, detail): the root's store verifies with Bastion (and Nix)."""
        r = self.bastion("nix-store", "--store", root, "--verify", "--check-contents")
        findings = bt.verify_findings(r.err)
        if r.rc != 0 or findings:
            return False, "bastion verify: rc %s\n%s" % (r.rc, r.err)
        if self.nix_store:
            nr, nf = bt.nix_verify(self.nix_store, root, env=bt.nix_env())
            if nr.rc != 0 or nf:
                return False, "nix verify: rc %s\n%s" % (nr.rc, nr.err)
        return True, ""

    def closure(self, store, path):
        r = self.bastion("nix-store", "--store", store, "-qR", path)
        return r.rc, sorted(r.out.split())


def current(root):
    link = os.path.join(root, "nix/var/nix/profiles/system")
    return os.readlink(link) if os.path.islink(link) else None


def gen_links(root):
    d = os.path.join(root, "nix/var/nix/profiles")
    return sorted(n for n in os.listdir(d) if re.fullmatch(r"system-\d+-link", n))


def read(path):
    with open(path) as f:
        return f.read()


def entry(root, n):
    p = os.path.join(root, "boot/loader/entries/bastion-generation-%d.conf" % n)
    return read(p) if os.path.exists(p) else None


# --- generations ---------------------------------------------------------

def test_generations(env, rep):
    t1, t2 = env.toplevel("1"), env.toplevel("2")
    root = os.path.join(env.work, "root")

    r = env.switch(root, t1)
    rep.check(r.rc == 0, "switch to generation 1", r.err)
    rep.check(current(root) == "system-1-link", "system -> system-1-link", str(current(root)))
    rep.check(os.readlink(os.path.join(root, "nix/var/nix/profiles/system-1-link")) == t1,
              "system-1-link -> the toplevel")
    ok, detail = env.verify(root)
    rep.check(ok, "the root's store verifies (--check-contents)", detail)
    src_rc, src_cl = env.closure(env.src, t1)
    dst_rc, dst_cl = env.closure(root, t1)
    rep.check(src_rc == 0 and dst_rc == 0 and src_cl == dst_cl and len(dst_cl) == 2,
              "the root's store holds the toplevel's closure (toplevel and busybox)",
              "source %s\nroot   %s" % (src_cl, dst_cl))
    auto = os.path.join(root, "nix/var/nix/gcroots/auto")
    rep.check(any(os.readlink(os.path.join(auto, n)).endswith("/system-1-link")
                  for n in os.listdir(auto)), "generation 1 is a registered GC root")

    # The layout.
    usr = os.path.join(root, "usr")
    rep.check(os.path.islink(usr) and not os.readlink(usr).startswith("/") and
              os.path.realpath(usr) == os.path.realpath(root + t1 + "/usr"),
              "/usr: a relative link to the current generation's usr",
              os.readlink(usr) if os.path.islink(usr) else "missing")
    for name in ("bin", "sbin", "lib", "lib64"):
        p = os.path.join(root, name)
        rep.check(os.path.islink(p) and os.readlink(p) == "usr/" + name, "/%s -> usr/%s" % (name, name))
    # (busybox itself is a link to /nix/store/…, which resolves only inside the root.)
    rep.check(os.path.lexists(os.path.join(root, "bin/busybox")), "/bin/busybox reachable through /usr")
    modes = {"var": 0o755, "home": 0o755, "root": 0o700, "tmp": 0o1777, "run": 0o755, "etc": 0o755}
    for name, mode in modes.items():
        p = os.path.join(root, name)
        rep.check(os.path.isdir(p) and not os.path.islink(p) and (os.stat(p).st_mode & 0o7777) == mode,
                  "/%s is a directory, mode %o" % (name, mode))
    mid = read(os.path.join(root, "etc/machine-id")).strip()
    rep.check(re.fullmatch(r"[0-9a-f]{32}", mid) is not None and mid[12] == "4",
              "etc/machine-id: a random (version 4) id", mid)

    # The boot entry, as NixOS's systemd-boot-builder writes one.
    e1 = entry(root, 1)
    want = re.compile(r"title Bastion\n"
                      r"version Generation 1 Bastion 0\.1-test1, Built on \d{4}-\d\d-\d\d\n"
                      r"options init=%s/init console=ttyS0 quiet\n"
                      r"machine-id %s\n" % (re.escape(t1), mid))
    rep.check(e1 is not None and want.fullmatch(e1) is not None,
              "bastion-generation-1.conf: title, version, options init=, machine-id (no linux/initrd)",
              str(e1))
    rep.check(read(os.path.join(root, "boot/loader/loader.conf")) == "default bastion-generation-1.conf\n",
              "loader.conf: default generation 1")

    # Generation 2.
    r = env.switch(root, t2)
    rep.check(r.rc == 0 and current(root) == "system-2-link", "switch to generation 2", r.err)
    rep.check(read(os.path.join(root, "etc/machine-id")).strip() == mid, "machine-id kept across switches")
    rep.check(os.path.realpath(usr) == os.path.realpath(root + t2 + "/usr"), "/usr follows to generation 2")
    rep.check(entry(root, 1) is not None and "Generation 2 Bastion 0.1-test2" in (entry(root, 2) or ""),
              "entries for generations 1 and 2")
    rep.check(read(os.path.join(root, "boot/loader/loader.conf")) == "default bastion-generation-2.conf\n",
              "loader.conf: default generation 2")
    r = env.switch(root, t2)
    rep.check(r.rc == 0 and gen_links(root) == ["system-1-link", "system-2-link"] and "copied" not in r.err,
              "switching to the current toplevel again adds no generation and copies nothing",
              r.err + str(gen_links(root)))

    r = env.bastion("os", "list-generations", "--root", root)
    lines = r.out.splitlines()
    line = r"\s*%d   \d{4}-\d\d-\d\d \d\d:\d\d:\d\d   %s"
    rep.check(r.rc == 0 and len(lines) == 2 and re.fullmatch(line % (1, ""), lines[0]) and
              re.fullmatch(line % (2, r"\(current\)"), lines[1]),
              "list-generations: one line each, number first, current marked", r.out + r.err)

    r = env.bastion("os", "rollback", "--root", root)
    rep.check(r.rc == 0 and current(root) == "system-1-link" and
              "switching profile from version 2 to 1" in r.err, "rollback -> generation 1", r.err)
    rep.check(os.path.realpath(usr) == os.path.realpath(root + t1 + "/usr"), "/usr follows the rollback")
    rep.check(read(os.path.join(root, "boot/loader/loader.conf")) == "default bastion-generation-1.conf\n",
              "loader.conf follows the rollback")
    lines = env.bastion("os", "list-generations", "--root", root).out.splitlines()
    rep.check(len(lines) == 2 and lines[0].endswith("(current)") and not lines[1].endswith("(current)"),
              "list-generations marks generation 1 after the rollback", "\n".join(lines))
    r = env.bastion("os", "rollback", "--root", root)
    rep.check(r.rc == 1 and "no profile version older than the current (1) exists" in r.err,
              "rollback from the oldest fails", r.err)
    r = env.bastion("os", "delete-generations", "--root", root, "1")
    rep.check(r.rc == 1 and "current" in r.err and current(root) == "system-1-link" and
              entry(root, 1) is not None, "deleting the current generation is refused", r.err)

    r = env.bastion("os", "rollback", "--root", root, "--to", "2")
    rep.check(r.rc == 0 and current(root) == "system-2-link", "rollback --to 2", r.err)
    r = env.bastion("os", "delete-generations", "--root", root, "1")
    rep.check(r.rc == 0 and gen_links(root) == ["system-2-link"] and entry(root, 1) is None and
              "removing profile version 1" in r.err,
              "delete-generations 1: link and boot entry gone", r.err)
    r = env.bastion("nix-store", "--store", root, "--gc")
    present = bt.store_paths(root)
    rep.check(r.rc == 0 and t1 not in present and t2 in present and
              env.closure(root, t2)[0] == 0, "the GC collects generation 1 and keeps the current one",
              r.err + "\n" + "\n".join(present))
    ok, detail = env.verify(root)
    rep.check(ok, "the root's store verifies after the GC", detail)

    # Nd: generations 2 (10 days old) and 3 (8 days) before the cutoff, 4
    # current; the newest before the cutoff was current then and stays.
    for g in ("3", "4"):
        env.switch(root, env.toplevel(g))
    now = time.time()
    for n, days in ((2, 10), (3, 8)):
        os.utime(os.path.join(root, "nix/var/nix/profiles/system-%d-link" % n),
                 (now - days * 86400,) * 2, follow_symlinks=False)
    r = env.bastion("os", "delete-generations", "--root", root, "5d")
    rep.check(r.rc == 0 and gen_links(root) == ["system-3-link", "system-4-link"] and
              current(root) == "system-4-link" and entry(root, 2) is None,
              "delete-generations 5d removes generation 2 only", r.err + str(gen_links(root)))

    # Bad input: exit 1, a message, nothing written.
    bad = os.path.join(env.work, "bad")
    r = env.switch(bad, "/nix/store/" + "0" * 32 + "-missing")
    rep.check(r.rc == 1 and "is not valid" in r.err and not os.path.exists(bad),
              "switch to a path not in the store: exit 1, nothing written", r.err)
    bb = [p for p in env.closure(env.src, t1)[1] if p.endswith("-busybox")][0]
    r = env.switch(bad, bb)
    rep.check(r.rc == 1 and "has no 'init'" in r.err and not os.path.exists(bad),
              "switch to a path that is not a system: exit 1", r.err)
    os.makedirs(os.path.join(bad, "bin"))
    r = env.switch(bad, t1)
    rep.check(r.rc == 1 and "'%s/bin' is in the way" % bad in r.err and os.listdir(bad) == ["bin"],
              "a directory where a layout link goes: exit 1 before anything is written", r.err)
    r = env.bastion("os", "list-generations", "--root", bad)
    rep.check(r.rc == 1 and "has no system profile" in r.err, "list-generations of a root never switched", r.err)
    r = env.bastion("os", "switch", "--root", root)
    rep.check(r.rc == 1 and "missing --toplevel" in r.err, "switch without --toplevel", r.err)
    r = env.bastion("os", "delete-generations", "--root", root, "x1")
    rep.check(r.rc == 1 and "invalid generation number 'x1'" in r.err, "delete-generations x1", r.err)


# --- kill -9 -------------------------------------------------------------

def test_kill(env, rep, rounds=16, seed=None):
    t1 = env.toplevel("1")
    t2 = env.toplevel("2", payload=48)  # 48 files of 64 KiB: a longer copy
    seed = seed if seed is not None else random.randrange(1 << 30)
    print("seed", seed, flush=True)
    rnd = random.Random(seed)
    base = os.path.join(env.work, "kill-base")
    if not rep.check(env.switch(base, t1).rc == 0, "a root at generation 1"):
        return
    # How long an uninterrupted switch to generation 2 takes, to spread the
    # kills over it (and a little beyond: a kill after the end is fine too).
    probe = os.path.join(env.work, "kill-probe")
    shutil.copytree(base, probe, symlinks=True)
    start = time.monotonic()
    rep.check(env.switch(probe, t2).rc == 0, "an uninterrupted switch to generation 2")
    span = (time.monotonic() - start) * 1.5
    outcomes = {"system-1-link": 0, "system-2-link": 0}
    stages = {"copying": 0, "copied": 0, "switched": 0}
    for i in range(rounds):
        root = os.path.join(env.work, "kill-%d" % i)
        shutil.copytree(base, root, symlinks=True)
        delay = rnd.uniform(0, span)
        p = subprocess.Popen([env.bin, "os", "switch", "--toplevel", t2, "--root", root,
                              "--store", env.src], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        p.send_signal(signal.SIGKILL)
        p.wait()
        cur = current(root)
        # Where the kill hit, for the record.
        copied = env.bastion("nix-store", "--store", root, "--check-validity", t2).rc == 0
        stage = "switched" if cur == "system-2-link" else "copied" if copied else "copying"
        stages[stage] += 1
        what = "round %d (killed after %.1f ms)" % (i, delay * 1000)
        rep.check(cur in outcomes, what + ": generation 1 or 2 is current", str(cur))
        if cur in outcomes:
            outcomes[cur] += 1
            target = os.readlink(os.path.join(root, "nix/var/nix/profiles", cur))
            rep.check(os.path.isdir(root + target), what + ": the current generation is in the store")
        ok, detail = env.verify(root)
        rep.check(ok, what + ": the store verifies", detail)
        r = env.switch(root, t2)
        ok2, detail2 = env.verify(root)
        rep.check(r.rc == 0 and current(root) == "system-2-link" and ok2 and
                  os.path.realpath(os.path.join(root, "usr")) == os.path.realpath(root + t2 + "/usr") and
                  entry(root, 2) is not None,
                  what + ": the next switch completes", r.err + detail2)
        bt.remove_tree(root)
    print("killed while copying %(copying)d times, after the copy but before the profile "
          "moved %(copied)d times, after it moved %(switched)d times" % stages, flush=True)


# --- boot ----------------------------------------------------------------

def nspawn_works(env):
    """None if systemd-nspawn can run a container here, else why not."""
    nspawn = shutil.which("systemd-nspawn")
    if not nspawn:
        return "systemd-nspawn is not installed (Debian's systemd-container)"
    if os.geteuid() != 0:
        return "systemd-nspawn needs root"
    probe = os.path.join(env.work, "nspawn-probe")
    os.makedirs(os.path.join(probe, "usr/bin"))
    os.makedirs(os.path.join(probe, "etc"))
    shutil.copy(bt.busybox(), os.path.join(probe, "usr/bin/busybox"))
    with open(os.path.join(probe, "init"), "w") as f:
        f.write("#!/usr/bin/busybox sh\n/usr/bin/busybox touch /ran\n/usr/bin/busybox poweroff -f\n")
    os.chmod(os.path.join(probe, "init"), 0o755)
    argv = [nspawn, "-q", "-D", probe]
    if not os.path.exists("/run/dbus/system_bus_socket") or not os.path.isdir("/run/systemd/system"):
        argv += ["--register=no", "--keep-unit"]
    r = bt.run(argv + ["/init"], timeout=60, text=True)
    if r.rc != 0 or not os.path.exists(os.path.join(probe, "ran")):
        return "systemd-nspawn cannot run a container here: %s %s" % (r.status, r.err.strip())
    return None


def test_boot(env, rep):
    why = nspawn_works(env)
    if why:
        return bt.skip(why)
    t1, t2 = env.toplevel("1"), env.toplevel("2")
    root = os.path.join(env.work, "boot-root")
    marker = os.path.join(root, "var/marker")

    def boot(*extra):
        if os.path.exists(marker):
            os.unlink(marker)
        return env.bastion("os", "run", "--root", root, *extra, timeout=120)

    rep.check(env.switch(root, t1).rc == 0, "switch to generation 1")
    r = boot()
    rep.check(r.rc == 0 and os.path.exists(marker) and read(marker) == "booted generation 1 pid 1\n",
              "os run boots generation 1: its init runs as PID 1 and powers off",
              "%s\n%s%s" % (r.status, r.out, r.err))
    rep.check("BOOTED generation 1" in r.out, "the container's console is ours", r.out)
    rep.check(env.switch(root, t2).rc == 0, "switch to generation 2")
    r = boot()
    rep.check(r.rc == 0 and os.path.exists(marker) and read(marker).startswith("booted generation 2 "),
              "generation 2 boots", r.err)
    rep.check(env.bastion("os", "rollback", "--root", root).rc == 0, "rollback")
    r = boot()
    rep.check(r.rc == 0 and os.path.exists(marker) and read(marker).startswith("booted generation 1 "),
              "after the rollback generation 1 boots again", r.err)
    r = boot("--ephemeral")
    rep.check(r.rc == 0 and "BOOTED generation 1" in r.out and not os.path.exists(marker),
              "--ephemeral boots and leaves nothing in the root", "%s\n%s%s" % (r.status, r.out, r.err))

    # A network namespace of our own, with a veth pair in 198.51.100.0/24.
    ip = shutil.which("ip")
    if not ip:
        print("note: no `ip` (iproute2): --netns not checked", flush=True)
        return None
    ns = "bastion-os14-%d" % os.getpid()
    host, peer = "bo14h%d" % (os.getpid() % 100000), "bo14p%d" % (os.getpid() % 100000)
    steps = [["netns", "add", ns], ["link", "add", host, "type", "veth", "peer", "name", peer],
             ["link", "set", peer, "netns", ns], ["addr", "add", "198.51.100.1/24", "dev", host],
             ["link", "set", host, "up"], ["-n", ns, "addr", "add", "198.51.100.2/24", "dev", peer],
             ["-n", ns, "link", "set", peer, "up"], ["-n", ns, "link", "set", "lo", "up"]]
    try:
        for s in steps:
            r = bt.run([ip] + s, text=True, timeout=30)
            if r.rc != 0:
                print("note: cannot set up a network namespace (%s: %s): --netns not checked" %
                      (" ".join(s), r.err.strip()), flush=True)
                return None
        r = boot("--netns", ns)
        rep.check(r.rc == 0 and "address: 198.51.100.2\n" in r.out, "--netns prints the container's address",
                  "%s\n%s%s" % (r.status, r.out, r.err))
        addr = os.path.join(root, "var/addr")
        rep.check(os.path.exists(addr) and "198.51.100.2/24" in read(addr),
                  "the container runs in the namespace", read(addr) if os.path.exists(addr) else "")
        r = env.bastion("os", "run", "--root", root, "--netns", ns + "-missing")
        rep.check(r.rc == 1 and "does not exist" in r.err, "--netns of a missing namespace: exit 1", r.err)
    finally:
        bt.run([ip, "link", "del", host], timeout=30)
        bt.run([ip, "netns", "del", ns], timeout=30)
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--only", required=True, choices=["generations", "kill", "boot"])
    ap.add_argument("--nix-store", default=None)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    rep = bt.Report()
    with bt.work_dir("bastion-os14-", keep=args.keep, real=True) as work:
        env = Env(args, work)
        if args.only == "generations":
            test_generations(env, rep)
        elif args.only == "kill":
            test_kill(env, rep, seed=args.seed)
        else:
            code = test_boot(env, rep)
            if code is not None:
                return code
    return rep.summary()


if __name__ == "__main__":
    sys.exit(main())
