#!/usr/bin/env python3
"""os.test.*: `bastion os test FILE.nix` (src/cli/os_test.cpp,
nix/test-driver/) on the fixtures here, whose nodes boot the busybox package
set (tests/os/pkgs.nix) with the stage-2 test hook (node.nix), in a
throw-away store.

    run.py --bin BASTION --only pass|fail_line|fail_timeout|interrupt|killed|errors [--keep]

pass          two-node.nix: the client probes the server by name across the
              test network; the driver's API (execute's status, succeed,
              fail, the waits, subtest, reboot, crash, machines) holds
fail_line     wrong-succeed.nix: exit 1; the failing line reported as
              FILE:8 and testScript line 3 with the command's stdout and
              stderr; the node's log shown and kept
fail_timeout  timeout.nix (the function forms of the test and of testScript):
              wait_until_succeeds gives up after timeout=3 and the report
              names FILE:9
interrupt     two-node.nix interrupted (SIGINT to its process group, as
              Ctrl-C) while the script runs: exit 130
killed        the process running the test (os test's child) killed with
              SIGKILL: os test exits 137 and removes the driver, the
              containers, the namespaces and the roots itself
errors        a missing file, a test without nodes, a bad node name, a
              script syntax error: exit 1 naming the file; without root
              (setpriv to nobody): exit 1 saying it needs root

After each run: no container, no network namespace of the run and no work
directory are left. Skips (77) without root or a working systemd-nspawn.
"""
import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
sys.path.insert(0, os.path.join(HERE, "..", "os14"))
import bastion_test as bt  # noqa: E402
from run import nspawn_works  # noqa: E402


class Env:
    def __init__(self, args, work):
        self.bin = os.path.abspath(args.bin)
        self.work = work
        self.store = os.path.join(work, "store")
        self.tmp = os.path.join(work, "tmp")
        os.makedirs(self.tmp)

    def argv(self, test):
        return [self.bin, "os", "test", test, "--store", self.store] + bt.bastion_sandbox_options()

    def os_test(self, test, timeout=600):
        return bt.run(self.argv(test), cwd=self.work, timeout=timeout, text=True,
                      add_env={"TMPDIR": self.tmp})


def netns_of(pid_text):
    return [n.split()[0] for n in subprocess.run(["ip", "netns", "list"], capture_output=True,
                                                  text=True).stdout.splitlines()
            if n.startswith("bastion-test-%s-" % pid_text)]


def check_clean(env, rep, what, out):
    """Nothing of the run is left: namespaces, containers, work directories."""
    m = re.search(r"/run/netns/bastion-test-(\d+)-", out)
    left = netns_of(m.group(1)) if m else []
    rep.check(m is not None and not left, "%s: no network namespace of the run is left" % what, " ".join(left))
    work = [n for n in os.listdir(env.tmp) if n.startswith("bastion-os-test-") and "-logs-" not in n]
    rep.check(not work, "%s: the work directory (roots) is removed" % what, " ".join(work))
    ps = subprocess.run(["ps", "-eo", "pid,args"], capture_output=True, text=True).stdout
    spawned = [l for l in ps.splitlines() if "systemd-nspawn" in l and env.tmp in l]
    rep.check(not spawned, "%s: no container is left" % what, "\n".join(spawned))


def test_pass(env, rep):
    r = env.os_test(os.path.join(HERE, "two-node.nix"))
    out = r.out + r.err
    rep.check(r.rc == 0 and "test 'two-node' passed" in out, "two-node.nix passes", "%s\n%s" % (r.status, out[-6000:]))
    for sub in ("the client reaches the server by its node name", "execute returns the status and stdout",
                "a reboot boots the server again; /run is fresh",
                "a second generation boots; after a rollback the first one boots again",
                "after a crash the server no longer answers"):
        rep.check("subtest: %s: ok" % sub in out, "subtest ran: %s" % sub)
    rep.check(out.count("server: starting (boot") == 4, "the server booted four times (the reboots)")
    boots = [float(x) for x in re.findall(r"booted in ([0-9.]+) s", out)]
    rep.check(len(boots) == 5, "five boots timed", str(boots))
    if boots:
        print("note: boot to activated container: %s s" % " ".join("%.2f" % b for b in boots), flush=True)
    check_clean(env, rep, "pass", out)


def test_fail_line(env, rep):
    test = os.path.join(HERE, "wrong-succeed.nix")
    r = env.os_test(test)
    out = r.out + r.err
    rep.check(r.rc == 1, "a failing succeed: exit 1", "%s\n%s" % (r.status, out[-4000:]))
    rep.check("error: %s:8: testScript line 3: machine.succeed(" % test in out,
              "the failing line is reported with its line in the file and in the script", out[-4000:])
    rep.check("exited with 4" in out and "this-is-stdout" in out and "this-is-stderr" in out,
              "the command's status, stdout and stderr are shown")
    rep.check("---- log of machine" in out and "<<< Bastion Stage 2 >>>" in out, "the node's log is shown")
    m = re.search(r"the nodes' logs are kept in (\S+)", out)
    kept = m and os.path.join(m.group(1), "machine.log")
    rep.check(bool(kept) and os.path.exists(kept) and "must succeed: echo this-is-stdout" in open(kept).read(),
              "the log is kept after the run", m.group(0) if m else "")
    rep.check("machine.succeed(\"true\")" not in out.split("error:")[0], "the script stopped at the failing line")
    check_clean(env, rep, "fail_line", out)


def test_fail_timeout(env, rep):
    test = os.path.join(HERE, "timeout.nix")
    t0 = time.monotonic()
    r = env.os_test(test)
    out = r.out + r.err
    rep.check(r.rc == 1 and "error: %s:9: testScript line 3: machine.wait_until_succeeds(" % test in out,
              "wait_until_succeeds past its timeout: exit 1 naming FILE:9", "%s\n%s" % (r.status, out[-4000:]))
    rep.check("must succeed: grep -q '^192.0.2.1 machine$' /etc/hosts" in out,
              "testScript as a function of nodes: the node's primaryIPAddress", out[-3000:])
    rep.check("timed out after 3 s" in out and "test -e /never-there" in out,
              "the report says it timed out and shows the command", out[-3000:])
    print("note: fail_timeout took %.1f s" % (time.monotonic() - t0), flush=True)
    check_clean(env, rep, "fail_timeout", out)


def test_interrupt(env, rep):
    p = subprocess.Popen(env.argv(os.path.join(HERE, "two-node.nix")), cwd=env.work, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True, start_new_session=True,
                         env=dict(os.environ, TMPDIR=env.tmp))
    out = ""
    for line in p.stdout:
        out += line
        if "subtest: execute returns" in line:
            os.killpg(p.pid, signal.SIGINT)
            break
    try:
        rest, _ = p.communicate(timeout=120)
        out += rest
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out += p.communicate()[0]
    rep.check(p.returncode == 130 and "interrupted" in out, "Ctrl-C while the script runs: exit 130",
              "%s\n%s" % (p.returncode, out[-3000:]))
    check_clean(env, rep, "interrupt", out)


def children(pid):
    """The pids whose parent is pid (from /proc/*/stat)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry) as f:
                stat = f.read()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry))
    return found


def test_killed(env, rep):
    """SIGKILL of the process running the test (os test's child): os test
    itself removes what it left, the driver included."""
    p = subprocess.Popen(env.argv(os.path.join(HERE, "two-node.nix")), cwd=env.work, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True, env=dict(os.environ, TMPDIR=env.tmp))
    out = ""
    for line in p.stdout:
        out += line
        if "subtest: execute returns" in line:
            workers = children(p.pid)
            rep.check(len(workers) == 1, "os test runs the test in one child", str(workers))
            for w in workers:
                os.kill(w, signal.SIGKILL)
            break
    rest, _ = p.communicate(timeout=120)
    out += rest
    rep.check(p.returncode == 128 + signal.SIGKILL, "os test exits 137 when its child is killed",
              "%s\n%s" % (p.returncode, out[-3000:]))
    ps = subprocess.run(["ps", "-eo", "pid,args"], capture_output=True, text=True).stdout
    drivers = [l for l in ps.splitlines() if "driver.py" in l and env.tmp in l]
    rep.check(not drivers, "killed: the orphaned driver is killed too", "\n".join(drivers))
    check_clean(env, rep, "killed", out)


def test_errors(env, rep):
    r = env.os_test(os.path.join(env.work, "missing.nix"))
    rep.check(r.rc == 1 and "missing.nix" in r.err, "a missing test file: exit 1 naming it", r.err)
    setpriv = shutil.which("setpriv")
    if setpriv:
        r = bt.run([setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"] + env.argv(os.path.join(HERE, "timeout.nix")),
                   timeout=60, text=True, add_env={"TMPDIR": "/tmp"})
        rep.check(r.rc == 1 and "needs root" in r.err, "without root: exit 1 saying it needs root", "%s\n%s" % (r.status, r.err))
    cases = {
        "no-nodes.nix": ("{ testScript = \"\"; }\n", "has no `nodes`"),
        "bad-name.nix": ("{ nodes.\"my-host\" = { }; testScript = \"\"; }\n", "not a Python identifier"),
        "syntax.nix": ("{\n  nodes.machine = import %s { };\n  testScript = ''\n    start_all(\n  '';\n}\n"
                       % os.path.join(HERE, "node.nix"), "testScript line"),
    }
    for name, (text, want) in cases.items():
        path = os.path.join(env.work, name)
        with open(path, "w") as f:
            f.write(text)
        r = env.os_test(path)
        out = r.out + r.err
        rep.check(r.rc == 1 and want in out and name in out, "%s: exit 1 with '%s' naming the file" % (name, want),
                  "%s\n%s" % (r.status, out[-3000:]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--only", required=True, choices=["pass", "fail_line", "fail_timeout", "interrupt", "killed", "errors"])
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    rep = bt.Report()
    with bt.work_dir("bastion-ostest-", keep=args.keep, real=True) as work:
        env = Env(args, work)
        why = nspawn_works(env)
        if why:
            return bt.skip(why)
        if subprocess.run(["ip", "netns", "list"], capture_output=True).returncode != 0:
            return bt.skip("iproute2's ip netns does not work here")
        {"pass": test_pass, "fail_line": test_fail_line, "fail_timeout": test_fail_timeout,
         "interrupt": test_interrupt, "killed": test_killed, "errors": test_errors}[args.only](env, rep)
    return rep.summary()


if __name__ == "__main__":
    sys.exit(main())
