"""Comparing Bastion with Nix 2.8: the same command line run by both."""

from .command import run


def show(r):
    """A Result (or any (rc, out, err)) as one detail line, output clipped."""
    rc, out, err = r[0], r[1], r[2]
    return "  rc=%s stdout=%r stderr=%r" % (rc, out[:200], err[:300])


def compare(report, what, nix_cmd, bastion_cmd, key=tuple, runner=run, **kw):
    """Runs Nix's command and Bastion's with the same keywords (through
    runner, run() unless given) and checks that key(result) is equal
    (default: exit status, stdout and stderr); the detail shows both.
    Returns (nix, bastion)."""
    n = runner(nix_cmd, **kw)
    b = runner(bastion_cmd, **kw)
    report.check(key(n) == key(b), what, "nix:    " + show(n) + "\nbastion:" + show(b))
    return n, b
