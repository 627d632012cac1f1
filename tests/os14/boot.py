#!/usr/bin/env python3
"""os14.boot.*: a seed configuration built with the default package set
(<bastion/pkgs>: Debian's systemd, OpenSSH, nftables, sudo, audit; no test
hook, tests/os14/real-system.nix) boots into systemd.

    boot.py --bin BASTION --seed meeka [--store DIR] [--keep]

The system is built into a throw-away store (or --store, to reuse its
downloads), switched into a throw-away root (`bastion os switch
--toplevel`), and booted with `bastion os run --root DIR --netns NS` (a
network namespace made here, 192.0.2.10/24 on a veth pair inside it): the address is
printed; `systemctl is-system-running` reaches `running` with no failed
unit; sshd is active and listening on 22, the nftables ruleset is loaded
with the seed's ports, sudo answers; auditd is skipped in the container
(ConditionVirtualization=!container). Then `systemctl reboot` inside: the
container stops, is started again, and reaches `running` again; then
`systemctl poweroff` ends it. Prints the time from `os run` to `running`
(not checked: tests are not timed).

Skips (77) without root or a working systemd-nspawn, or when the pinned
Debian archive cannot be reached."""
import argparse
import os
import re
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
sys.path.insert(0, HERE)
import bastion_test as bt  # noqa: E402
from run import nspawn_works  # noqa: E402

SYSTEM = os.path.join(HERE, "real-system.nix")
SERVICES = os.path.join(HERE, "..", "os", "services")
SEEDS = {"meeka": "meeka/default.nix", "impermanence": "impermanence.nix", "talk": "talk.nix"}
# What each seed's disk holds before the first boot (the seeds assume it).
DISK = {"meeka": ["nix/persist/etc/ssh"], "impermanence": ["persist/etc/ssh", "persist/passwords"],
        "talk": []}
PORTS = {"meeka": [22], "impermanence": [22], "talk": [22, 8080]}
BOOT_TIMEOUT = 120


class Env:
    def __init__(self, args, work):
        self.bin = os.path.abspath(args.bin)
        self.work = work
        self.store = os.path.abspath(args.store) if args.store else os.path.join(work, "store")

    def bastion(self, *argv, timeout=1800):
        return bt.run([self.bin] + list(argv), cwd=self.work, timeout=timeout, text=True)


class Container:
    """`bastion os run` in the background, its output collected."""

    def __init__(self, env, root, netns):
        self.root = root
        self.started = time.monotonic()
        self.proc = subprocess.Popen([env.bin, "os", "run", "--root", root, "--netns", netns],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True, start_new_session=True)
        self.out = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            self.out.append(line)

    def text(self):
        return "".join(self.out)

    def leader(self):
        """PID 1 of the container (the child of its systemd-nspawn), or None."""
        want = os.path.realpath(self.root)
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                with open("/proc/%s/cmdline" % pid, "rb") as f:
                    argv = f.read().split(b"\0")
            except OSError:
                continue
            if not argv or not argv[0].endswith(b"systemd-nspawn") or b"-D" not in argv:
                continue
            d = argv[argv.index(b"-D") + 1].decode()
            if os.path.realpath(d) != want:
                continue
            try:
                with open("/proc/%s/task/%s/children" % (pid, pid)) as f:
                    kids = f.read().split()
            except OSError:
                continue
            if kids:
                return int(kids[0])
        return None

    def inside(self, cmd, timeout=30):
        pid = self.leader()
        if pid is None:
            return bt.Result(1, "", "no container")
        return bt.run(["nsenter", "-t", str(pid), "-a", "/run/current-system/sw/bin/env",
                       "PATH=/run/current-system/sw/bin:/usr/bin:/usr/sbin", "sh", "-c", cmd],
                      timeout=timeout, text=True)

    def net(self, argv, timeout=30):
        """A host program in the container's network namespace only."""
        pid = self.leader()
        if pid is None:
            return bt.Result(1, "", "no container")
        return bt.run(["nsenter", "-t", str(pid), "-n"] + argv, timeout=timeout, text=True)

    def wait_state(self):
        """systemctl is-system-running once startup is over (or 'timeout')."""
        deadline = time.monotonic() + BOOT_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return "exited"
            r = self.inside("systemctl is-system-running")
            state = r.out.strip()
            if state in ("running", "degraded", "maintenance", "stopping"):
                return state
            time.sleep(0.2)
        return "timeout"

    def wait_exit(self, timeout=60):
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None
        self.reader.join(5)
        return self.proc.returncode

    def kill(self):
        if self.proc.poll() is None:
            pid = self.leader()
            if pid:
                os.kill(pid, 9)
            self.wait_exit(30)


def netns_create(name):
    ip = ["ip", "-n", name]
    for argv in (["ip", "netns", "add", name], ip + ["link", "add", "v0", "type", "veth", "peer", "name", "v1"],
                 ip + ["addr", "add", "192.0.2.10/24", "dev", "v0"], ip + ["link", "set", "v0", "up"],
                 ip + ["link", "set", "v1", "up"],
                 ip + ["link", "set", "lo", "up"]):
        r = bt.run(argv, timeout=30, text=True)
        if r.rc != 0:
            return "%s: %s" % (" ".join(argv), r.err.strip())
    return None


def check_booted(rep, c, seed, when):
    state = c.wait_state()
    took = time.monotonic() - c.started
    rep.check(state == "running", "%s %s: systemctl is-system-running = running" % (seed, when),
              "%s\n%s" % (state, c.text()[-3000:]))
    print("figure: %s %s: os run -> running in %.2f s" % (seed, when, took), flush=True)
    failed = c.inside("systemctl --failed --plain --no-legend --no-pager").out.strip()
    rep.check(state in ("running", "degraded") and failed == "", "%s %s: no failed unit" % (seed, when),
              failed + "\n" + c.inside("systemctl status --failed --no-pager -l | tail -40").out)
    return state == "running"


def boot_seed(env, rep, seed):
    t0 = time.monotonic()
    r = env.bastion("nix-build", "--store", env.store, SYSTEM, "--no-out-link", "--arg", "seed",
                    os.path.abspath(os.path.join(SERVICES, SEEDS[seed])))
    if r.rc != 0 and re.search(r"unable to download|Could not resolve|Connection refused|timed out", r.err):
        raise SystemExit(bt.skip("the pinned Debian archive is not reachable: " + r.err.strip()[-300:]))
    if not rep.check(r.rc == 0, "%s: builds with <bastion/pkgs>" % seed, r.err[-3000:]):
        return
    top = r.out.strip()
    root = os.path.join(env.work, "root-" + seed)
    r = env.bastion("os", "switch", "--toplevel", top, "--root", root, "--store", env.store)
    if not rep.check(r.rc == 0, "%s: switch into a root" % seed, r.err[-2000:]):
        return
    for d in DISK[seed]:
        os.makedirs(os.path.join(root, d), exist_ok=True)
    print("figure: %s: build + switch %.2f s" % (seed, time.monotonic() - t0), flush=True)

    netns = "bastion-os14-%d" % os.getpid()
    why = netns_create(netns)
    if not rep.check(why is None, "%s: network namespace %s" % (seed, netns), why or ""):
        return
    try:
        c = Container(env, root, netns)
        try:
            deadline = time.monotonic() + 30
            while "192.0.2.10" not in c.text() and time.monotonic() < deadline and c.proc.poll() is None:
                time.sleep(0.1)
            rep.check("192.0.2.10" in c.text(), "%s: os run prints the address" % seed, c.text()[-1000:])
            if check_booted(rep, c, seed, "first boot"):
                print("figure: %s: os build -> running %.2f s" % (seed, time.monotonic() - t0), flush=True)
            for unit in ("sshd", "nftables"):
                r = c.inside("systemctl is-active %s" % unit)
                rep.check(r.out.strip() == "active", "%s: %s is active" % (seed, unit), r.out + r.err)
            for _ in range(100):
                r = c.net(["ss", "-Htln"])
                if re.search(r":22\s", r.out):
                    break
                time.sleep(0.1)
            rep.check(re.search(r":22\s", r.out) is not None, "%s: sshd listens on 22" % seed, r.out + r.err)
            rules = c.inside("nft list ruleset").out
            for p in PORTS[seed]:
                rep.check(re.search(r"\b%d\b" % p, rules) is not None,
                          "%s: the firewall ruleset names port %d" % (seed, p), rules[-1500:])
            r = c.inside("/run/wrappers/bin/sudo -V | head -1")
            rep.check(r.out.startswith("Sudo version"), "%s: sudo runs (the wrapper)" % seed, r.out + r.err)
            if seed == "meeka":
                r = c.inside("systemctl show -p ConditionResult auditd")
                rep.check(r.out.strip() == "ConditionResult=no",
                          "meeka: auditd is skipped in the container (ConditionVirtualization)", r.out + r.err)

            c.inside("systemctl reboot")
            rc = c.wait_exit(60)
            rep.check(rc is not None, "%s: systemctl reboot stops the container" % seed, c.text()[-2000:])
        finally:
            c.kill()
        c = Container(env, root, netns)
        try:
            check_booted(rep, c, seed, "after reboot")
            c.inside("systemctl poweroff")
            rc = c.wait_exit(60)
            rep.check(rc == 0, "%s: systemctl poweroff ends the container (exit 0)" % seed,
                      "%s\n%s" % (rc, c.text()[-2000:]))
        finally:
            c.kill()
    finally:
        bt.run(["ip", "netns", "delete", netns], timeout=30)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--seed", required=True, choices=sorted(SEEDS))
    ap.add_argument("--store")
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    rep = bt.Report()
    with bt.work_dir("bastion-os14-boot-", keep=args.keep, real=True) as work:
        env = Env(args, work)
        why = nspawn_works(env)
        if why:
            return bt.skip(why)
        if bt.run(["ip", "netns", "list"], timeout=30).rc != 0:
            return bt.skip("no ip netns here")
        boot_seed(env, rep, args.seed)
    return rep.summary()


if __name__ == "__main__":
    sys.exit(main())
