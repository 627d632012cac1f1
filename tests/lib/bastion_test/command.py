"""Running one command: output captured, an optional timeout."""

import os
import signal
import subprocess


class Result(tuple):
    """What a command did: a tuple (rc, out, err), so results compare and
    unpack as tuples; also readable as subprocess's returncode/stdout/stderr.

    rc is None when the timeout killed the command, negative for a signal."""

    def __new__(cls, rc, out, err, timeout=None):
        r = tuple.__new__(cls, (rc, out, err))
        r.timeout = timeout
        return r

    rc = property(lambda self: self[0])
    out = property(lambda self: self[1])
    err = property(lambda self: self[2])
    returncode, stdout, stderr = rc, out, err

    def _replace(self, **fields):
        """A copy with some of rc, out, err replaced."""
        d = {"rc": self.rc, "out": self.out, "err": self.err}
        d.update(fields)
        return Result(d["rc"], d["out"], d["err"], self.timeout)

    @property
    def status(self):
        """rc, or what ended the command, for messages."""
        if self.rc is None:
            return "timeout after %gs" % self.timeout
        if self.rc < 0 and -self.rc in signal.valid_signals():
            return "signal %s" % signal.Signals(-self.rc).name
        return self.rc


def run(cmd, stdin=None, cwd=None, env=None, add_env=None, timeout=None, text=False, newlines=False,
        argv0=None, drop_warnings=False, exec_errors=False, ok_codes=None):
    """Runs cmd (a list; cmd[0] is the program) and returns its Result.

    stdin    bytes or str to feed it, or what subprocess takes (None
             inherits ours, subprocess.DEVNULL)
    cwd, env as subprocess's: env is the whole environment, None ours
    add_env  variables set on top of env (or of ours), e.g. a case's NIX_CONFIG
    timeout  seconds; the command then runs in a session of its own and its
             whole process group is killed when the time is up (rc None)
    text     out and err decoded as UTF-8 (strictly)
    newlines also "\r\n" and "\r" read as "\n", as subprocess's text mode
             does (runners written with it keep comparing what they compared)
    argv0    what the program sees as its name (Nix prints it in its hints)
    drop_warnings  Nix's "warning:" lines removed from err
    exec_errors    a program that cannot be started gives rc 127 and the
             reason on err instead of raising OSError
    ok_codes any other exit status raises RuntimeError with the output
    """
    argv = ([argv0] if argv0 is not None else cmd[:1]) + list(cmd[1:])
    if add_env:
        env = dict(os.environ if env is None else env, **add_env)
    feed = stdin.encode() if isinstance(stdin, str) else stdin if isinstance(stdin, bytes) else None
    try:
        p = subprocess.Popen(argv, executable=cmd[0], cwd=cwd, env=env,
                             stdin=subprocess.PIPE if feed is not None else stdin,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             start_new_session=timeout is not None)
    except OSError as e:
        if not exec_errors:
            raise
        err = "error: cannot execute %s: %s" % (os.fsdecode(cmd[0]), e)
        return _result(127, b"", err.encode(), text, newlines, drop_warnings, timeout)
    with p:
        try:
            out, err = p.communicate(feed, timeout=timeout)
            rc = p.returncode
        except subprocess.TimeoutExpired:
            _kill_group(p.pid)
            out, err = p.communicate()
            rc = None
        except BaseException:
            p.kill()
            raise
    r = _result(rc, out, err, text, newlines, drop_warnings, timeout)
    if ok_codes is not None and rc not in ok_codes:
        raise RuntimeError("%s exited with %s:\n%s%s" % (" ".join(map(os.fsdecode, cmd)), r.status,
                                                         _str(r.out), _str(r.err)))
    return r


def _result(rc, out, err, text, newlines, drop_warnings, timeout):
    if drop_warnings:
        err = b"".join(l for l in err.splitlines(True) if not l.startswith(b"warning:"))
    if text or newlines:
        out, err = out.decode(), err.decode()
    if newlines:
        out, err = (s.replace("\r\n", "\n").replace("\r", "\n") for s in (out, err))
    return Result(rc, out, err, timeout)


def _kill_group(pid):
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _str(data):
    return data if isinstance(data, str) else data.decode(errors="replace")
