#!/usr/bin/env python3
"""The test driver of `bastion os test` (src/cli/os_test.cpp runs it with
Debian's python3): NixOS's test-script API over systemd-nspawn containers.

    driver.py SPEC.json

SPEC (written by os test): the test's name, its testScript and where it is
in the test file, a log directory, and per node its name, root, network
namespace, address and the systemd-nspawn command that boots it. The roots
are switched and the network is up before this runs; os test tears both
down after it.

The script sees NixOS's names: start_all(), subtest(name), machines, each
node as a global by its name, and Machine's start, shutdown, crash, reboot,
succeed, fail, execute, wait_for_unit, wait_for_open_port,
wait_for_closed_port, wait_until_succeeds, wait_until_fails, wait_for_file,
systemctl, copy_from_host, sleep, log. A command runs in the container as
root with the login environment (/etc/profile), through nsenter into the
container's PID 1. Exit 0 when the script ran through, 1 when a line failed
(its line in the test file, the command's output and the logs of every node
are printed), 130 on Ctrl-C; the containers are killed in every case.
"""
import contextlib
import json
import os
import shlex
import signal
import subprocess
import sys
import time
import traceback

BOOT_TIMEOUT = 120


class TestFailure(Exception):
    """A failed check of the script (shown without a Python traceback)."""


def log(msg):
    print(msg, flush=True)


def netns_inode(path):
    return os.stat(path).st_ino


class Machine:
    def __init__(self, spec, log_dir, bastion, build_args, test_dir):
        self.name = spec["name"]
        self.root = spec["root"]
        self.config = spec["config"]
        self.bastion = bastion
        self.build_args = build_args
        self.test_dir = test_dir
        self.generations = 0
        self.netns = spec["netns"]
        self.address = spec["address"]
        self.nspawn = spec["nspawn"]
        self.log_path = os.path.join(log_dir, self.name + ".log")
        self.process = None
        self.leader = None
        self.booted = False
        self.boots = 0

    def __repr__(self):
        return "<Machine %s>" % self.name

    # -- the container's life ------------------------------------------------

    def _note(self, msg):
        log("%s: %s" % (self.name, msg))
        with open(self.log_path, "a") as f:
            f.write("== driver: %s\n" % msg)

    def is_up(self):
        return self.process is not None and self.process.poll() is None

    def _find_leader(self):
        """The container's PID 1 as the host sees it: the process in the node's
        network namespace whose innermost PID is 1."""
        want = netns_inode(self.netns)
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                if os.stat("/proc/%s/ns/net" % entry).st_ino != want:
                    continue
                with open("/proc/%s/status" % entry) as f:
                    for line in f:
                        if line.startswith("NSpid:"):
                            ids = line.split()[1:]
                            if len(ids) >= 2 and ids[-1] == "1":
                                return int(entry)
            except OSError:
                continue
        return None

    def start(self):
        if self.is_up():
            return
        self.boots += 1
        self._note("starting (boot %d): %s" % (self.boots, " ".join(map(shlex.quote, self.nspawn))))
        logf = open(self.log_path, "a")
        self.process = subprocess.Popen(self.nspawn, stdin=subprocess.DEVNULL, stdout=logf,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        logf.close()
        self.leader = None
        self.booted = False
        started = time.monotonic()
        deadline = started + BOOT_TIMEOUT
        while time.monotonic() < deadline:
            if not self.is_up():
                raise TestFailure("%s: the container exited during boot (status %s)" %
                                  (self.name, self.process.returncode))
            if self.leader is None:
                self.leader = self._find_leader()
            # Stage 2 makes /run/booted-system once the activation is done.
            elif os.path.lexists("/proc/%d/root/run/booted-system" % self.leader):
                self.booted = True
                self._note("booted in %.2f s (PID 1 is host PID %d)" %
                           (time.monotonic() - started, self.leader))
                return
            time.sleep(0.05)
        raise TestFailure("%s: not booted within %d s (no /run/booted-system)" % (self.name, BOOT_TIMEOUT))

    def _wait_exit(self, timeout):
        try:
            self.process.wait(timeout=timeout)
            return True
        except subprocess.TimeoutExpired:
            return False

    def _kill_leader(self):
        if self.leader is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.leader, signal.SIGKILL)

    def crash(self):
        """Pulls the plug: PID 1 killed, nothing shut down."""
        if not self.is_up():
            return
        self._note("crash")
        self._kill_leader()
        if not self._wait_exit(30):
            self.process.kill()
            self.process.wait()
        self.leader = None
        self.booted = False

    def shutdown(self):
        """A clean power-off: SIGRTMIN+3 to PID 1 (systemd halts on it, as
        nspawn's --kill-signal asks), then a kill after 30 s."""
        if not self.is_up():
            return
        self._note("shutdown")
        if self.leader is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.leader, signal.SIGRTMIN + 3)
        if not self._wait_exit(30):
            self._note("not down after 30 s: killed")
            self.crash()
        self.leader = None
        self.booted = False

    def reboot(self):
        """Shut down and boot the same root again (its current generation)."""
        self.shutdown()
        self.start()

    # -- commands --------------------------------------------------------------

    def _ensure_up(self):
        """Boots a machine not started yet (as NixOS's driver does); one that
        went down by itself is the test's failure."""
        if self.process is not None and not self.is_up() and self.leader is not None:
            raise TestFailure("%s: the container exited by itself (status %s); see its log" %
                              (self.name, self.process.returncode))
        if not self.is_up() or self.leader is None:
            self.start()

    # -- generations (host side: the node's root, as `bastion os` has it) ----

    def _bastion(self, *argv):
        self._note("bastion %s" % " ".join(map(shlex.quote, argv)))
        r = subprocess.run([self.bastion] + list(argv), capture_output=True, text=True)
        with open(self.log_path, "a") as f:
            f.write(r.stdout + r.stderr)
        if r.returncode != 0:
            raise TestFailure("%s: `bastion %s` exited with %d\n%s" %
                              (self.name, " ".join(argv), r.returncode, r.stderr[-3000:]))
        return r.stderr

    def switch_root(self, module):
        """Builds the node's configuration with `module` (a file, relative to
        the test file) added and switches the root to it as a new generation
        (`bastion os switch -c`); the running container is left alone, a
        reboot boots it."""
        self.generations += 1
        path = os.path.join(self.test_dir, module)
        cfg = "%s.gen%d.nix" % (self.config[:-4], self.generations)
        with open(cfg, "w") as f:
            # JSON's string escapes are Nix's for these paths (no "$", no "\\").
            f.write("{ imports = [ (/. + %s) (/. + %s) ]; }\n" %
                    (json.dumps(self.config), json.dumps(os.path.abspath(path))))
        out = self._bastion("os", "switch", "-c", cfg, "--root", self.root, *self.build_args)
        return out

    def rollback(self):
        """`bastion os rollback` of the node's root: the generation before the
        current one is current again (a reboot boots it)."""
        return self._bastion("os", "rollback", "--root", self.root)

    def list_generations(self):
        return subprocess.run([self.bastion, "os", "list-generations", "--root", self.root],
                              capture_output=True, text=True, check=True).stdout

    def _command(self, command):
        env = {"HOME": "/root", "USER": "root", "LOGNAME": "root", "TERM": "dumb",
               "PATH": "/run/current-system/sw/bin:/bin"}
        script = ". /etc/profile >/dev/null 2>&1; cd /root 2>/dev/null || cd /; " + command
        argv = ["nsenter", "-t", str(self.leader), "-m", "-u", "-i", "-n", "-p", "-r", "-w",
                "--", "/bin/sh", "-c", script]
        return argv, env

    def execute(self, command, check_return=True, timeout=900):
        """(exit status, stdout) of a shell command run as root in the container."""
        self._ensure_up()
        argv, env = self._command(command)
        try:
            r = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                               timeout=timeout)
        except subprocess.TimeoutExpired as e:
            raise TestFailure("%s: command `%s` timed out after %s s" % (self.name, command, timeout)) from e
        out = r.stdout.decode(errors="replace")
        err = r.stderr.decode(errors="replace")
        self.last_stderr = err
        with open(self.log_path, "a") as f:
            f.write("== driver: $ %s  (exit %d)\n%s%s" % (command, r.returncode, out, err))
        return r.returncode, out

    def _shown(self, command, status, out):
        text = "%s: command `%s` exited with %d" % (self.name, command, status)
        if out.strip():
            text += "\n  stdout:\n" + "".join("    " + l + "\n" for l in out.rstrip("\n").split("\n"))
        err = getattr(self, "last_stderr", "")
        if err.strip():
            text += "\n  stderr:\n" + "".join("    " + l + "\n" for l in err.rstrip("\n").split("\n"))
        return text

    def succeed(self, *commands, timeout=None):
        """Runs each command; raises when one exits non-zero. Returns their stdout."""
        output = ""
        for command in commands:
            self._note("must succeed: %s" % command)
            status, out = self.execute(command, timeout=timeout or 900)
            if status != 0:
                raise TestFailure(self._shown(command, status, out))
            output += out
        return output

    def fail(self, *commands, timeout=None):
        """Runs each command; raises when one exits zero."""
        output = ""
        for command in commands:
            self._note("must fail: %s" % command)
            status, out = self.execute(command, timeout=timeout or 900)
            if status == 0:
                raise TestFailure(self._shown(command, status, out).replace("exited with 0", "succeeded, expected to fail"))
            output += out
        return output

    def _retry(self, what, probe, timeout):
        deadline = time.monotonic() + timeout
        last = None
        while True:
            ok, last = probe()
            if ok:
                return last
            if time.monotonic() >= deadline:
                raise TestFailure("%s: %s: timed out after %s s%s" %
                                  (self.name, what, timeout, ("\n  last attempt: " + last) if last else ""))
            time.sleep(1)

    def wait_until_succeeds(self, command, timeout=900):
        self._note("wait until succeeds: %s" % command)

        def probe():
            status, out = self.execute(command, timeout=timeout)
            return status == 0, out if status == 0 else self._shown(command, status, out)
        return self._retry("`%s` did not succeed" % command, probe, timeout)

    def wait_until_fails(self, command, timeout=900):
        self._note("wait until fails: %s" % command)

        def probe():
            status, out = self.execute(command, timeout=timeout)
            return status != 0, out if status != 0 else self._shown(command, status, out)
        return self._retry("`%s` did not fail" % command, probe, timeout)

    def wait_for_file(self, path, timeout=900):
        return self.wait_until_succeeds("test -e %s" % shlex.quote(path), timeout=timeout)

    def systemctl(self, q, user=None):
        if user is not None:
            q = "--user " + q
        return self.execute("systemctl " + q)

    def wait_for_unit(self, unit, user=None, timeout=900):
        """Until the unit is active; raises when it failed or there is no systemd."""
        self._note("wait for unit %s" % unit)

        def probe():
            status, out = self.execute("command -v systemctl >/dev/null || exit 127; "
                                       "systemctl show -p LoadState -p ActiveState --value %s" % shlex.quote(unit))
            load, state = (out.split("\n") + ["", ""])[:2]
            if status == 127:
                raise TestFailure("%s: wait_for_unit(%r): no systemctl in the container (PID 1 is not systemd: "
                                  "boot.systemdExecutable is set)" % (self.name, unit))
            if load == "not-found":
                raise TestFailure("%s: wait_for_unit(%r): no such unit" % (self.name, unit))
            if state == "failed":
                raise TestFailure("%s: unit %s failed\n%s" % (self.name, unit,
                                                               self.execute("systemctl status --no-pager -n 20 %s" % shlex.quote(unit))[1]))
            return state == "active", "ActiveState=" + state
        self._retry("unit %s not active" % unit, probe, timeout)

    def _listening(self, port, addr):
        """Whether a TCP socket listens on port in the container's network
        namespace (its /proc/net/tcp*, read from the host)."""
        for table in ("tcp", "tcp6"):
            try:
                with open("/proc/%d/net/%s" % (self.leader, table)) as f:
                    lines = f.read().splitlines()[1:]
            except OSError:
                continue
            for line in lines:
                fields = line.split()
                local, state = fields[1], fields[3]
                host, hexport = local.rsplit(":", 1)
                if state == "0A" and int(hexport, 16) == port and \
                        (addr is None or addr in ("localhost", "127.0.0.1", "::1") or
                         set(host) == {"0"} or host == _hex_address(addr)):
                    return True
        return False

    def wait_for_open_port(self, port, addr="localhost", timeout=900):
        self._note("wait for open port %s" % port)
        self._ensure_up()
        self._retry("port %s not open" % port, lambda: (self._listening(port, addr), None), timeout)

    def wait_for_closed_port(self, port, addr="localhost", timeout=900):
        self._note("wait for closed port %s" % port)
        self._ensure_up()
        self._retry("port %s still open" % port, lambda: (not self._listening(port, addr), None), timeout)

    def copy_from_host(self, source, target):
        """Copies a host file into the running container (as root)."""
        self._ensure_up()
        with open(source, "rb") as f:
            data = f.read()
        status, out = self.execute("mkdir -p %s" % shlex.quote(os.path.dirname(target) or "/"))
        if status != 0:
            raise TestFailure(self._shown("mkdir", status, out))
        with open("/proc/%d/root%s" % (self.leader, target), "wb") as f:
            f.write(data)

    def sleep(self, secs):
        time.sleep(secs)

    def log(self, msg):
        self._note(msg)


def _hex_address(addr):
    import socket
    try:
        return "%08X" % int.from_bytes(socket.inet_aton(addr), "little")
    except OSError:
        return None


def show_logs(machines, lines=60):
    for m in machines:
        print("---- log of %s (%s), last %d lines ----" % (m.name, m.log_path, lines))
        try:
            with open(m.log_path, errors="replace") as f:
                tail = f.read().splitlines()[-lines:]
        except OSError:
            tail = ["(no log)"]
        for line in tail:
            print("  " + line)
    sys.stdout.flush()


def main():
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    machines = [Machine(n, spec["logDir"], spec["bastion"], spec["buildArgs"], os.path.dirname(spec["testFile"]))
                for n in spec["nodes"]]
    script, file, first = spec["testScript"], spec["file"], spec["line"]
    lines = script.split("\n")

    def start_all():
        for m in machines:
            m.start()

    @contextlib.contextmanager
    def subtest(name):
        log("subtest: %s" % name)
        t0 = time.monotonic()
        yield
        log("subtest: %s: ok (%.2f s)" % (name, time.monotonic() - t0))

    env = {"__name__": "testScript", "start_all": start_all, "subtest": subtest, "machines": machines,
           "log": log, "Machine": Machine, "TestFailure": TestFailure}
    for m in machines:
        env[m.name] = m

    def where(tb):
        line = None
        for frame, lineno in traceback.walk_tb(tb):
            if frame.f_code.co_filename == "<testScript>":
                line = lineno
        if line is None:
            return "testScript"
        text = lines[line - 1].strip() if 0 < line <= len(lines) else ""
        at = "%s:%d" % (file, first + line) if first else file
        return "%s: testScript line %d: %s" % (at, line, text)

    status = 0
    t0 = time.monotonic()
    try:
        code = compile(script, "<testScript>", "exec")
        exec(code, env)
        log("test '%s' passed in %.2f s" % (spec["name"], time.monotonic() - t0))
    except KeyboardInterrupt:
        log("interrupted: tearing the containers down")
        status = 130
    except SyntaxError as e:
        print("error: %s:%s: testScript line %s: syntax error: %s" %
              (file, first + (e.lineno or 0), e.lineno, e.msg), flush=True)
        status = 1
    except BaseException as e:  # noqa: B902 (any failure of the script is the test's failure)
        print("error: %s" % where(e.__traceback__), flush=True)
        if isinstance(e, TestFailure):
            print("  " + str(e).replace("\n", "\n  "), flush=True)
        else:
            print("".join("  " + l for l in traceback.format_exception_only(type(e), e)), end="", flush=True)
        show_logs(machines)
        log("test '%s' failed after %.2f s" % (spec["name"], time.monotonic() - t0))
        status = 1
    finally:
        # Ctrl-C during the teardown must not leave a container behind.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        for m in machines:
            with contextlib.suppress(Exception):
                m.crash()
    return status


if __name__ == "__main__":
    sys.exit(main())
