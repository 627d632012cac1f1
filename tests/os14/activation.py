#!/usr/bin/env python3
"""os14.*: activation and stage 2 of a built system (nix/modules/system/boot/stage-2.nix,
nix/modules/system/activation/*.nix, the users and wrappers snippets).

    activation.py --bin BASTION --only generations|config|tmpfs-root|seeds|persistence [--keep]

The system is activation-system.nix: tests/os14/system.nix evaluated by
nix/os/eval-config.nix with the busybox package set tests/os/pkgs.nix,
built by `bastion nix-build` into a throw-away source store and switched
into a throw-away root with `bastion os switch --toplevel`. `bastion os
run` boots it in systemd-nspawn: its init (stage 2) mounts, activates and
execs boot.systemdExecutable, which here is system.nix's script printing
`FACT name: value` lines of the running system, then powering off.

generations  /etc linked through /etc/static and copied with mode and
             owner; /etc/shadow with the hash read from the root's file at
             activation (the hash in no store path); users, homes; the store
             read-only even for root; the set-id wrapper on a mount without
             nosuid; the per-user profile; the login PATH (/etc/profile, pam_env);
             /run/current-system; the machine id kept. Generation 2 removes
             generation 1's stale links and copied files; after a rollback
             generation 1's /etc is back.
             Also: SSH host keys made at activation with the machine's
             ssh-keygen (host-programs.nix; skipped without one) and kept
             across generations; authorized keys (keys and keyFiles) in
             /etc/ssh/authorized_keys.d, and the machine's sshd with
             StrictModes lets root in with them (a world-writable copy is
             refused); recorded dpkg-statoverrides applied; environment.
             variables and sessionVariables in a login shell and pam_env.
persistence  meeka and the impermanence server (persistence-system.nix)
             booted twice from one root: what environment.persistence
             lists survives, the rest of the tmpfs root is gone, the SSH
             host key is made once on the persistent side; meeka's /srv
             bind mount carries the merged noexec.
config       `bastion os switch -c configuration.nix --root DIR` builds and
             switches (the same facts at boot; an unchanged switch builds
             nothing, its time printed); `bastion os run -c` boots from a
             temporary root it removes; -c of a missing file fails with exit 1.
seeds        the seed configurations (tests/os/services: talk, meeka,
             impermanence) with the stage-2 test hook: each boots through
             its activation; /etc, the store read-only, the login PATH; meeka's
             tmpfs root with noexec and sudo's 4510 root:wheel wrapper.
tmpfs-root   the seeds' tmpfs root with noexec: / is that tmpfs, /nix and
             /persist carried in, nspawn's /tmp gone, a binary copied out of
             the store cannot run, the machine id of the disk kept.

Skips (77) when systemd-nspawn cannot run a container here.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
sys.path.insert(0, HERE)
import bastion_test as bt  # noqa: E402
from run import nspawn_works  # noqa: E402

SYSTEM = os.path.join(HERE, "activation-system.nix")
CONFIG = os.path.join(HERE, "configuration.nix")
HASH = "$6$os14salt$Qm9vLzEyMzQ1Njc4OTBhYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ei4v"
EMPTY_MD5 = "d41d8cd98f00b204e9800998ecf8427e"  # md5sum of nothing: no key was there
PATH = ("/run/wrappers/bin:/home/alice/.nix-profile/bin:/etc/profiles/per-user/alice/bin:"
        "/nix/var/nix/profiles/default/bin:/run/current-system/sw/bin")


class Env:
    def __init__(self, args, work):
        self.bin = os.path.abspath(args.bin)
        self.work = work
        self.src = os.path.join(work, "src")
        self.tops = {}
        self.tmp = os.environ.get("TMPDIR") or "/tmp"
        self.ssh = host_ssh()
        self.root_key = None
        if self.ssh:
            key = os.path.join(work, "root_key")
            r = bt.run([self.ssh["keygen"], "-q", "-t", "ed25519", "-N", "", "-C", "os14-root", "-f", key],
                       text=True, timeout=60)
            if r.rc != 0:
                raise RuntimeError("ssh-keygen of the test's own key failed:\n" + r.err)
            self.root_key = read(key + ".pub").strip()
        else:
            print("note: no ssh-keygen with its libraries here: the host-key checks are skipped", flush=True)

    def bastion(self, *argv, timeout=180):
        return bt.run([self.bin] + list(argv), cwd=self.work, timeout=timeout, text=True)

    def toplevel(self, gen, tmpfs=False):
        key = (gen, tmpfs)
        if key not in self.tops:
            r = self.bastion("nix-build", "--store", self.src, SYSTEM, "--no-out-link",
                             "--argstr", "gen", gen,
                             "--arg", "tmpfsRoot", "true" if tmpfs else "false",
                             *self.ssh_args(), *bt.bastion_sandbox_options())
            if r.rc != 0:
                raise RuntimeError("building the test system failed:\n" + r.err)
            self.tops[key] = r.out.strip()
        return self.tops[key]

    def ssh_args(self):
        if not self.ssh:
            return []
        return ["--arg", "hostSsh", self.ssh["expr"], "--argstr", "rootKey", self.root_key]

    def root(self, name):
        """A root with the disk's state a test system expects: the password hash file."""
        root = os.path.join(self.work, name)
        os.makedirs(os.path.join(root, "persist/secrets"))
        with open(os.path.join(root, "persist/secrets/alice.hash"), "w") as f:
            f.write(HASH + "\n")
        with open(os.path.join(root, "persist/marker"), "w") as f:
            f.write("kept on the disk\n")
        # The directory a recorded dpkg-statoverride names (bob users 0750).
        os.makedirs(os.path.join(root, "var/lib/recorded"), mode=0o755)
        return root

    def switch(self, root, top):
        return self.bastion("os", "switch", "--toplevel", top, "--root", root, "--store", self.src)

    def boot(self, root):
        """(result, facts) of booting the root's current generation."""
        r = self.bastion("os", "run", "--root", root, timeout=60)
        facts = {}
        for line in r.out.splitlines():
            if line.startswith("FACT ") and ": " in line:
                name, value = line[5:].split(": ", 1)
                facts[name] = value.rstrip("|").replace("|", "\n")
        return r, facts


def nix_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$") + '"'


def host_programs(name, *programs):
    """Programs of the machine and what they load (ldd), as host-programs.nix's
    arguments, or None when one is missing (or ldd cannot tell)."""
    paths = [shutil.which(p) for p in programs]
    if not all(paths) or not shutil.which("ldd"):
        return None
    libs, loader = {}, None
    for path in paths:
        r = subprocess.run(["ldd", path], capture_output=True, text=True)
        if r.returncode != 0:
            return None
        for line in r.stdout.splitlines():
            m = re.match(r"\s*(\S+) => (/\S+) \(", line)
            if m:
                libs[m.group(1)] = os.path.realpath(m.group(2))
                continue
            m = re.match(r"\s*(/\S+) \(", line)
            if m:
                loader = os.path.realpath(m.group(1))
    if not loader or not libs:
        return None
    expr = "{ name = %s; programs = { %s }; libs = { %s }; loader = %s; }" % (
        nix_str(name),
        " ".join("%s = %s;" % (nix_str(p), nix_str(os.path.realpath(path))) for p, path in zip(programs, paths)),
        " ".join("%s = %s;" % (nix_str(k), nix_str(v)) for k, v in sorted(libs.items())),
        nix_str(loader))
    return {"path": paths[0], "expr": expr}


def host_ssh():
    p = host_programs("openssh-host", "ssh-keygen")
    return p and {"keygen": p["path"], "expr": p["expr"]}


def sshd_login(env, root, user, key):
    """Log in as `user` with `key` to the machine's own sshd, which reads the
    authorized keys of the root's /etc/ssh/authorized_keys.d (bind-mounted at
    its place in a private mount namespace, loopback in a private network
    namespace) with StrictModes: the modes activation gave them are what
    sshd checks. (rc, output)."""
    sshd = shutil.which("sshd") or ("/usr/sbin/sshd" if os.path.exists("/usr/sbin/sshd") else None)
    ssh = shutil.which("ssh")
    if not sshd or not ssh or not shutil.which("unshare"):
        return None
    d = os.path.join(env.work, "sshd-login")
    os.makedirs(d, exist_ok=True)
    host_key = os.path.join(d, "host_key")
    if not os.path.exists(host_key):
        bt.run([env.ssh["keygen"], "-q", "-t", "ed25519", "-N", "", "-f", host_key], timeout=60)
    with open(os.path.join(d, "sshd_config"), "w") as f:
        f.write("ListenAddress 127.0.0.1\nPort 2222\nHostKey %s\nStrictModes yes\nUsePAM no\n"
                "PasswordAuthentication no\nKbdInteractiveAuthentication no\nPermitRootLogin prohibit-password\n"
                "AuthorizedKeysFile /etc/ssh/authorized_keys.d/%%u\nPidFile none\n" % host_key)
    script = r"""
set -e
ip link set lo up
mount -t tmpfs -o mode=0755 tmpfs /run
mkdir -m 0755 /run/sshd
mount -t tmpfs -o mode=0755 tmpfs /etc/ssh
mkdir -m 0755 /etc/ssh/authorized_keys.d
mount --bind "$1/etc/ssh/authorized_keys.d" /etc/ssh/authorized_keys.d
"$2" -D -e -f "$3/sshd_config" 2>"$3/sshd.log" &
i=0
while ! ssh-keyscan -p 2222 127.0.0.1 >/dev/null 2>&1 && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
rc=0
"$4" -F none -i "$5" -p 2222 -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes   -o LogLevel=ERROR "$6@127.0.0.1" echo logged-in || rc=$?
kill $! || true
cat "$3/sshd.log" >&2
exit $rc
"""
    r = bt.run(["unshare", "-m", "-n", "--propagation", "private", "sh", "-c", script, "sh", root, sshd, d, ssh,
                key, user], text=True, timeout=60)
    return r


def read(path):
    with open(path) as f:
        return f.read()


def grep_store(store_dir, needle):
    """The files under store_dir holding needle (bytes)."""
    r = subprocess.run(["grep", "-rlF", "--", needle, store_dir], capture_output=True, text=True)
    return r.stdout.split()


def tmpfs_root(facts):
    return (facts.get("root-fs") or "").startswith("tmpfs")


def check_common(env, rep, root, facts, top, gen, ssh=True):
    f = facts.get
    rep.check(f("pid1") == "1", "gen %s: stage 2 execs the configured program as PID 1" % gen, str(facts))
    rep.check(f("gen") == "generation %s" % gen, "gen %s: /etc/bastion/gen is this generation's" % gen, f("gen", ""))
    rep.check((f("static") or "").endswith("-etc/etc"), "gen %s: /etc/static -> the generation's etc link farm" % gen,
              f("static", ""))
    rep.check(f("linked") == "/etc/static/bastion/linked" and f("linked-text") == "linked in generation %s" % gen,
              "gen %s: a plain entry is a link through /etc/static" % gen, "%s %s" % (f("linked"), f("linked-text")))
    rep.check(f("copied") == "640 alice wheel regular file" and f("copied-text") == "copied in generation %s" % gen,
              "gen %s: an entry with mode/user/group is a copy with them" % gen, "%s %s" % (f("copied"), f("copied-text")))
    rep.check(f("passwd") == "-\nalice:x:1000:100::/home/alice:/bin/sh",
              "gen %s: /etc/passwd a regular file with the declared user" % gen, f("passwd", ""))
    rep.check(f("undeclared") == "/etc/passwd:0\n/etc/shadow:0",
              "gen %s: no undeclared user in /etc/passwd or /etc/shadow (mutableUsers = false)" % gen, f("undeclared", ""))
    rep.check(f("shadow-alice") == HASH, "gen %s: /etc/shadow has the hash read from hashedPasswordFile" % gen,
              f("shadow-alice", ""))
    rep.check(f("shadow-bob") == "!" and f("shadow-mode") == "640 root shadow",
              "gen %s: hashedPassword, and /etc/shadow 0640 root:shadow" % gen, "%s %s" % (f("shadow-bob"), f("shadow-mode")))
    rep.check(f("home") == "700 alice users", "gen %s: the normal user's home, 0700 and owned" % gen, f("home", ""))
    rep.check(f("current-system") == top and f("booted-system") == top,
              "gen %s: /run/current-system and /run/booted-system -> the toplevel" % gen,
              "%s %s (want %s)" % (f("current-system"), f("booted-system"), top))
    rep.check((f("store-mount") or "").split(",")[0] == "ro", "gen %s: /nix/store is mounted read-only" % gen,
              f("store-mount", ""))
    rep.check("Read-only file system" in (f("store-chmod") or "") and "Read-only file system" in (f("store-touch") or ""),
              "gen %s: root's chmod and touch in the store get 'Read-only file system'" % gen,
              "%s / %s" % (f("store-chmod"), f("store-touch")))
    rep.check(f("wrapper") == "4511 root root", "gen %s: the set-uid wrapper in /run/wrappers/bin, 4511 root:root" % gen,
              f("wrapper", ""))
    wm = (f("wrappers-mount") or "").split(",")
    rep.check(wm != [""] and "nosuid" not in wm, "gen %s: /run/wrappers is a mount that allows set-uid" % gen,
              f("wrappers-mount", ""))
    rep.check(f("profile-hello") == "hello from the profile",
              "gen %s: users.users.alice.packages in /etc/profiles/per-user/alice" % gen, f("profile-hello", ""))
    rep.check(f("login-path") == PATH and f("login-hello") == "hello from the profile",
              "gen %s: the login PATH from /etc/profile is the talk's, and finds the user's package" % gen,
              "%s / %s" % (f("login-path"), f("login-hello")))
    rep.check(f("pam-path") == 'PATH DEFAULT="%s"' % PATH.replace("/home/alice", "@{HOME}").replace(
        "per-user/alice", "per-user/@{PAM_USER}"), "gen %s: the same PATH in pam_env's /etc/pam/environment" % gen,
        f("pam-path", ""))
    rep.check(f("persist") == "kept on the disk", "gen %s: /persist of the disk is there" % gen, f("persist", ""))
    rep.check(f("variables") == "nvim from-pam",
              "gen %s: environment.variables and sessionVariables in a login shell (/etc/set-environment)" % gen,
              f("variables", ""))
    rep.check(f("pam-session") == 'BASTION_SESSION   DEFAULT="from-pam"',
              "gen %s: sessionVariables in pam_env's /etc/pam/environment" % gen, f("pam-session", ""))
    auth = (f("authorized-alice") or "").split("\n")
    rep.check(auth[:1] == ["444 root regular file"] and any("alice@example.org" in a for a in auth)
              and any("alice@laptop" in a for a in auth),
              "gen %s: /etc/ssh/authorized_keys.d/alice: keys and keyFiles, a 0444 root file" % gen,
              f("authorized-alice", ""))
    rep.check(f("authorized-dir") == "755 root\n755 root",
              "gen %s: /etc/ssh and authorized_keys.d 0755 root (what StrictModes accepts)" % gen,
              f("authorized-dir", ""))
    rep.check(f("statoverride-program") == "2755 root wheel",
              "gen %s: a recorded statoverride of a /usr program: its wrapper 2755 root:wheel" % gen,
              f("statoverride-program", ""))
    if root is not None and not tmpfs_root(facts):
        rep.check(f("statoverride-dir") == "750 bob users",
                  "gen %s: a recorded statoverride of a directory outside /usr applied in place" % gen,
                  f("statoverride-dir", ""))
    if env.ssh and ssh:
        keys = (f("host-keys") or "").split("\n")
        want = []
        for k in ("rsa", "ed25519"):
            want += ["/etc/ssh/ssh_host_%s_key 600 root" % k, "/etc/ssh/ssh_host_%s_key.pub 644 root" % k]
        rep.check(keys == want, "gen %s: SSH host keys made at activation (rsa, ed25519; 0600 and 0644)" % gen,
                  f("host-keys", ""))
    mid = read(os.path.join(root, "etc/machine-id")).strip() if os.path.exists(os.path.join(root, "etc/machine-id")) else None
    rep.check(mid is not None and f("machine-id") == mid, "gen %s: the machine id of the disk is kept" % gen,
              "%s vs %s" % (f("machine-id"), mid))


def test_generations(env, rep):
    t1, t2 = env.toplevel("1"), env.toplevel("2")
    rep.check(not grep_store(os.path.join(env.src, "nix/store"), HASH.split("$")[-1]),
              "the password hash is in no store path (the source store)")
    root = env.root("root")
    rep.check(env.switch(root, t1).rc == 0, "switch to generation 1")
    r, facts = env.boot(root)
    rep.check(r.rc == 0 and "FACTS-DONE" in r.out, "generation 1 boots through stage 2 and powers off",
              "%s\n%s%s" % (r.status, r.out, r.err))
    check_common(env, rep, root, facts, t1, "1")
    rep.check(facts.get("only-gen1") == "/etc/bastion/only-gen1" and facts.get("copied-gen1") == "/etc/bastion/copied-gen1",
              "gen 1: its own entries are there", str(facts))
    clean = set((facts.get("clean") or "").split("\n"))
    rep.check({"bastion/copied", "bastion/copied-gen1", "sudoers"} <= clean, "gen 1: /etc/.clean lists the copied files",
              facts.get("clean", ""))
    rep.check(facts.get("ids") == "alice:1000\nbob:1001", "gen 1: normal users from uid 1000", facts.get("ids", ""))
    rep.check(facts.get("exec-copy") == "executed", "a root without noexec runs a copied binary (the control)",
              facts.get("exec-copy", ""))
    rep.check(not grep_store(os.path.join(root, "nix/store"), HASH.split("$")[-1]),
              "the password hash is in no store path (the root's store)")
    rep.check(os.path.islink(os.path.join(root, "etc/bastion/linked")), "the disk's /etc keeps the link farm")
    sums1 = facts.get("host-key-sums")
    check_login(env, rep, root)
    # An override a package records is Debian's chmod of a directory:
    # undone by hand, it comes back at the next activation.
    os.chmod(os.path.join(root, "var/lib/recorded"), 0o777)

    # A user added behind the configuration's back is gone after the next activation.
    with open(os.path.join(root, "etc/passwd"), "a") as fp:
        fp.write("mallory:x:0:0::/root:/bin/sh\n")
    with open(os.path.join(root, "etc/shadow"), "a") as fp:
        fp.write("mallory::1::::::\n")
    rep.check(env.switch(root, t2).rc == 0, "switch to generation 2")
    r, facts = env.boot(root)
    rep.check(r.rc == 0 and "FACTS-DONE" in r.out, "generation 2 boots", "%s\n%s%s" % (r.status, r.out, r.err))
    check_common(env, rep, root, facts, t2, "2")
    rep.check(facts.get("ids") == "alice:1000\nbob:1001\naaron:1002",
              "gen 2: a new user sorting first gets a fresh uid, the others keep theirs", facts.get("ids", ""))
    rep.check('"aaron":1002' in (facts.get("uid-map") or ""), "gen 2: /var/lib/nixos/uid-map remembers the uids",
              facts.get("uid-map", ""))
    if env.ssh:
        rep.check(re.fullmatch(r"[0-9a-f]{32}", sums1 or "") and sums1 != EMPTY_MD5 and facts.get("host-key-sums") == sums1, "gen 2: the SSH host keys of generation 1 are kept",
                  "%s vs %s" % (facts.get("host-key-sums"), sums1))
    rep.check(facts.get("only-gen1") == "absent" and not os.path.lexists(os.path.join(root, "etc/bastion/only-gen1")),
              "gen 2: generation 1's stale link is removed", facts.get("only-gen1", ""))
    rep.check(facts.get("copied-gen1") == "absent" and not os.path.lexists(os.path.join(root, "etc/bastion/copied-gen1")),
              "gen 2: generation 1's copied file is removed", facts.get("copied-gen1", ""))
    clean = set((facts.get("clean") or "").split("\n"))
    rep.check("bastion/copied" in clean and "bastion/copied-gen1" not in clean, "gen 2: /etc/.clean rewritten",
              facts.get("clean", ""))

    rep.check(env.bastion("os", "rollback", "--root", root).rc == 0, "rollback")
    r, facts = env.boot(root)
    rep.check(r.rc == 0 and "FACTS-DONE" in r.out, "after the rollback generation 1 boots again",
              "%s\n%s%s" % (r.status, r.out, r.err))
    check_common(env, rep, root, facts, t1, "1")
    rep.check(facts.get("only-gen1") == "/etc/bastion/only-gen1" and facts.get("copied-gen1") == "/etc/bastion/copied-gen1",
              "after the rollback: generation 1's /etc entries are back", str(facts))
    rep.check(facts.get("ids") == "alice:1000\nbob:1001" and '"aaron":1002' in (facts.get("uid-map") or ""),
              "after the rollback: the undeclared user is gone, its uid still remembered",
              "%s / %s" % (facts.get("ids"), facts.get("uid-map")))


def check_login(env, rep, root):
    if not env.ssh:
        return
    r = sshd_login(env, root, "root", os.path.join(env.work, "root_key"))
    if r is None:
        print("note: no sshd/ssh/unshare here: the login with the installed authorized key is skipped", flush=True)
        return
    rep.check(r.rc == 0 and "logged-in" in r.out,
              "the machine's sshd (StrictModes) lets root in with the key activation installed", bt.show(r))
    # The control: the same file made world-writable is refused (StrictModes;
    # Debian's sshd lets a group write when the group is the owner's alone).
    keys = os.path.join(root, "etc/ssh/authorized_keys.d/root")
    mode = os.stat(keys).st_mode & 0o7777
    os.chmod(keys, 0o666)
    try:
        r = sshd_login(env, root, "root", os.path.join(env.work, "root_key"))
    finally:
        os.chmod(keys, mode)
    rep.check(r.rc != 0 and "logged-in" not in r.out and "bad ownership or modes" in r.err,
              "the control: the same file made world-writable is refused by StrictModes", bt.show(r))


def test_tmpfs_root(env, rep):
    t = env.toplevel("1", tmpfs=True)
    root = env.root("tmpfs-root")
    rep.check(env.switch(root, t).rc == 0, "switch to the tmpfs-root system")
    os.makedirs(os.path.join(root, "tmp"), exist_ok=True)
    with open(os.path.join(root, "tmp/left-on-disk"), "w") as f:
        f.write("x\n")
    r, facts = env.boot(root)
    rep.check(r.rc == 0 and "FACTS-DONE" in r.out, "the tmpfs-root system boots", "%s\n%s%s" % (r.status, r.out, r.err))
    check_common(env, rep, root, facts, t, "1")
    fs = (facts.get("root-fs") or "").split(" ")
    rep.check(fs[0] == "tmpfs" and "noexec" in fs[-1].split(","), "/ is the configured tmpfs with noexec",
              facts.get("root-fs", ""))
    rep.check(facts.get("tmp") == "", "nothing of the disk's or nspawn's /tmp is left", facts.get("tmp", ""))
    rep.check("Permission denied" in (facts.get("exec-copy") or ""),
              "a binary copied out of the store cannot be executed", facts.get("exec-copy", ""))
    rep.check(not os.path.exists(os.path.join(root, "root/true")), "what the system wrote to / stayed off the disk")


def test_config(env, rep):
    root = env.root("config-root")
    cflags = ["-c", CONFIG, "--store", env.src] + bt.bastion_sandbox_options()
    r = env.bastion("os", "switch", "--root", root, *cflags)
    rep.check(r.rc == 0 and "is at generation 1" in r.err, "os switch -c builds the system and switches to it",
              "%s\n%s" % (r.status, r.err))
    top = os.readlink(os.path.join(root, "nix/var/nix/profiles/system-1-link")) if r.rc == 0 else ""
    r, facts = env.boot(root)
    rep.check(r.rc == 0 and "FACTS-DONE" in r.out, "the system switched with -c boots", "%s\n%s%s" % (r.status, r.out, r.err))
    check_common(env, rep, root, facts, top, "c", ssh=False)
    t0 = time.monotonic()
    r = env.bastion("os", "switch", "--root", root, *cflags)
    took = time.monotonic() - t0
    rep.check(r.rc == 0 and "building" not in r.err and "is at generation 1" in r.err,
              "os switch -c of an unchanged configuration builds nothing and adds no generation", r.err)
    print("note: unchanged `os switch -c`: %.2f s" % took, flush=True)
    runs = lambda: set(n for n in os.listdir(env.tmp) if n.startswith("bastion-os-run-"))  # noqa: E731
    before = runs()
    r = env.bastion("os", "run", *cflags, timeout=120)
    m = re.search(r"temporary root '([^']+)'", r.err)
    rep.check(r.rc == 0 and "FACT gen: generation c|" in r.out and m is not None,
              "os run -c boots the system from a temporary root", "%s\n%s%s" % (r.status, r.out, r.err))
    rep.check(m is not None and not os.path.exists(m.group(1)) and runs() <= before,
              "the temporary root is removed afterwards", m.group(1) if m else "")
    r = env.bastion("os", "switch", "--root", root, "-c", os.path.join(env.work, "missing.nix"), "--store", env.src)
    rep.check(r.rc == 1 and "missing.nix" in r.err, "os switch -c of a missing file: exit 1, naming it", r.err)
    r = env.bastion("os", "switch", "--root", root, "-I", "x=/y", "--toplevel", top, "--store", env.src)
    rep.check(r.rc == 1 and "needs -c" in r.err, "an evaluation flag without -c: exit 1", r.err)


SEEDS = {"talk": "talk.nix", "meeka": "meeka/default.nix", "impermanence": "impermanence.nix"}


def test_seeds(env, rep):
    svc = os.path.join(HERE, "..", "os", "services")
    for name, rel in SEEDS.items():
        r = env.bastion("nix-build", "--store", env.src, os.path.join(HERE, "seed-system.nix"), "--no-out-link",
                        "--arg", "seed", os.path.abspath(os.path.join(svc, rel)), *bt.bastion_sandbox_options())
        if not rep.check(r.rc == 0, "%s: the seed builds with the stage-2 test hook" % name, r.err[-2000:]):
            continue
        top = r.out.strip()
        root = os.path.join(env.work, "seed-" + name)
        rep.check(env.switch(root, top).rc == 0, "%s: switch" % name)
        r, facts = env.boot(root)
        rep.check(r.rc == 0 and "FACTS-DONE" in r.out, "%s: boots through stage 2 and its activation" % name,
                  "%s\n%s%s" % (r.status, r.out[-3000:], r.err[-2000:]))
        failed = re.findall(r"Activation script snippet '([^']+)' failed", r.out + r.err)
        if failed:
            # The busybox package set's stand-ins lack some programs (sudoedit, bash's shopt).
            print("note: %s: snippets failing with the test package set: %s" % (name, " ".join(failed)), flush=True)
        etc = set((facts.get("etc") or "").split("\n"))
        want = {"ssh/sshd_config", "sudoers", "nftables.conf", "fstab", "hostname", "hosts", "pam.d/sshd",
                "passwd", "group", "shadow"}
        rep.check(want <= etc, "%s: /etc holds the seed's files and the user database" % name, str(sorted(want - etc)))
        rep.check(facts.get("current-system") == top, "%s: /run/current-system" % name, facts.get("current-system", ""))
        rep.check("Read-only file system" in (facts.get("store") or ""), "%s: the store read-only" % name,
                  facts.get("store", ""))
        rep.check(facts.get("path") == PATH.replace("/home/alice", "/root").replace("per-user/alice", "per-user/root"),
                  "%s: the login PATH is the talk's" % name, facts.get("path", ""))
        if name == "meeka":
            fs = (facts.get("root-fs") or "").split(" ")
            rep.check(fs[0] == "tmpfs" and "noexec" in fs[-1].split(","), "meeka: / is a tmpfs with noexec",
                      facts.get("root-fs", ""))
            rep.check(facts.get("sudo") == "4510 root wheel", "meeka: sudo's wrapper 4510 root:wheel (execWheelOnly)",
                      facts.get("sudo", ""))


# seed file, tmpfs root given by the test, the persistent root on the disk
PERSIST_SEEDS = {"meeka": ("meeka/default.nix", False, "nix/persist"),
                 "impermanence": ("impermanence.nix", True, "persist")}


def test_persistence(env, rep):
    svc = os.path.join(HERE, "..", "os", "services")
    if not env.ssh:
        print("note: without the machine's ssh-keygen the host keys are not checked", flush=True)
    for name, (rel, tmpfs, persist) in PERSIST_SEEDS.items():
        args = ["--arg", "seed", os.path.abspath(os.path.join(svc, rel)), "--arg", "tmpfsRoot", "true" if tmpfs else "false"]
        if env.ssh:
            args += ["--arg", "hostSsh", env.ssh["expr"]]
        bash, realpath = host_programs("bash-host", "bash"), host_programs("realpath-host", "realpath")
        scripts = bool(bash and realpath)
        if scripts:
            args += ["--arg", "hostBash", bash["expr"], "--arg", "hostRealpath", realpath["expr"]]
        elif name == "impermanence":
            print("note: no bash or realpath here: the community module's scripts cannot run, "
                  "its directories are not checked", flush=True)
        r = env.bastion("nix-build", "--store", env.src, os.path.join(HERE, "persistence-system.nix"), "--no-out-link",
                        *args, *bt.bastion_sandbox_options())
        if not rep.check(r.rc == 0, "%s: the seed builds with the persistence facts" % name, r.err[-2000:]):
            continue
        top = r.out.strip()
        root = os.path.join(env.work, "persist-" + name)
        # The persistent volume as the guides' install steps leave it.
        os.makedirs(os.path.join(root, persist, "etc/ssh"))
        rep.check(env.switch(root, top).rc == 0, "%s: switch" % name)
        if name == "meeka":
            # meeka's /etc/machine-id is a link to the persistent copy.
            shutil.copy(os.path.join(root, "etc/machine-id"), os.path.join(root, persist, "etc/machine-id"))
        boots = []
        for n in (1, 2):
            r, facts = env.boot(root)
            ok = rep.check(r.rc == 0 and "FACTS-DONE" in r.out, "%s: boot %d" % (name, n),
                           "%s\n%s%s" % (r.status, r.out[-3000:], r.err[-2000:]))
            boots.append(facts if ok else {})
        b1, b2 = boots
        rep.check(b1.get("root-fs") == "tmpfs" and b2.get("root-fs") == "tmpfs", "%s: / is a tmpfs" % name,
                  "%s / %s" % (b1.get("root-fs"), b2.get("root-fs")))
        if name == "meeka" or scripts:
            rep.check(b1.get("persisted") == "absent" and b2.get("persisted") == "written",
                      "%s: /etc/nixos (environment.persistence) survives the reboot%s" % (
                          name, " (bind-mounted by the test's PID 1 from fstab, as systemd would)" if tmpfs else ""),
                      "%s / %s" % (b1.get("persisted"), b2.get("persisted")))
            rep.check(os.path.exists(os.path.join(root, persist, "etc/nixos/marker")),
                      "%s: ... written on the persistent side (%s/etc/nixos)" % (name, persist))
        rep.check(b1.get("scratch") == "end" and b2.get("scratch") == "end",
                  "%s: what boot 1 wrote elsewhere on / (/root, /etc, /var, /) is gone at boot 2" % name,
                  "%s / %s" % (b1.get("scratch"), b2.get("scratch")))
        rep.check(not os.path.exists(os.path.join(root, "root/scratch")) and not os.path.exists(os.path.join(root, "scratch")),
                  "%s: ... and never reached the disk" % name)
        rep.check(re.fullmatch(r"[0-9a-f]{32}", b1.get("machine-id") or "") and b1.get("machine-id") == b2.get("machine-id"),
                  "%s: the machine id is the same at both boots" % name,
                  "%s / %s" % (b1.get("machine-id"), b2.get("machine-id")))
        if name == "meeka":
            rep.check("PID 1: mounted" not in r.out, "meeka: activation made every persistence mount, none left to fstab",
                      r.out[-2000:])
            rep.check(b1.get("srv") == "absent" and b2.get("srv") == "written" and b2.get("var-lib") == "written",
                      "meeka: /srv and /var/lib survive the reboot", "%s %s" % (b2.get("srv"), b2.get("var-lib")))
            opts = (b2.get("srv-mount") or "").split(",")
            rep.check("noexec" in opts, "meeka: /srv is the persistence bind mount with noexec merged in",
                      b2.get("srv-mount", ""))
            rep.check("Permission denied" in (b2.get("srv-exec") or ""), "meeka: a program copied into /srv cannot run",
                      b2.get("srv-exec", ""))
        if env.ssh:
            key = os.path.join(root, persist, "etc/ssh/ssh_host_ed25519_key.pub")
            rep.check(b1.get("host-key-mode") == "600 root" and os.path.exists(key),
                      "%s: the SSH host key made at boot 1 is on the persistent side" % name,
                      "%s; %s exists: %s" % (b1.get("host-key-mode"), key, os.path.exists(key)))
            rep.check(re.fullmatch(r"[0-9a-f]{32}", b1.get("host-key") or "") and b1.get("host-key") != EMPTY_MD5
                      and b1.get("host-key") == b2.get("host-key"),
                      "%s: the same SSH host key at boot 2" % name,
                      "%s / %s" % (b1.get("host-key"), b2.get("host-key")))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--only", required=True, choices=["generations", "config", "tmpfs-root", "seeds", "persistence"])
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    rep = bt.Report()
    with bt.work_dir("bastion-os14-act-", keep=args.keep, real=True) as work:
        env = Env(args, work)
        why = nspawn_works(env)
        if why:
            return bt.skip(why)
        if args.only == "generations":
            test_generations(env, rep)
        elif args.only == "config":
            test_config(env, rep)
        elif args.only == "seeds":
            test_seeds(env, rep)
        elif args.only == "persistence":
            test_persistence(env, rep)
        else:
            test_tmpfs_root(env, rep)
    return rep.summary()


if __name__ == "__main__":
    sys.exit(main())
