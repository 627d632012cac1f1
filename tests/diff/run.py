#!/usr/bin/env python3
"""Differential tests of Bastion's evaluator against stored Nix outputs.

Every top-level ``cases/*.nix`` file is one case (``cases/data/`` holds the
helper files that cases import or read).  A case is run as

    CANDIDATE --eval --strict [FLAGS] NAME.nix        (cwd = the cases dir)

or, when FLAGS contain ``--parse``, as ``CANDIDATE [FLAGS] NAME.nix``.
CANDIDATE is ``BIN nix-instantiate`` (``--bin``) or any whole command
(``--candidate-cmd "nix-instantiate"``).

Directives, read from the comment lines at the very top of a case:

    # flags: --json            extra command-line flags (shell-split)
    # nolive: REASON           the .exp is kept by hand because Nix 2.8 differs
                               from upstream Nix (2.36, the target); the case is
                               skipped by --live and never rewritten by --generate

Checks:
  * ``fail-*.nix``: exit code 1 and stderr starting with "error:" (the message
    itself is not compared: it legitimately differs between Nix versions).
  * any other case: exit code 0 and stdout == NAME.exp, byte for byte, after the
    absolute path of the cases dir has been rewritten to ``/pwd``.
  * ``--live``: additionally run the reference (``nix-instantiate``, Nix 2.8)
    the same way and require the same exit code and the same stdout.

The environment is fixed (see ``fixed_env``), so outputs do not depend on the
caller's.  ``--generate`` (maintainers only) rewrites the .exp files from the
reference.  The last line printed is exactly ``N passed, M failed``; the exit
status is 1 when anything failed (2 for a bad invocation).
"""

import argparse
import concurrent.futures
import difflib
import os
import re
import shlex
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_CASES = os.path.join(HERE, "cases")
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import bastion_test as bt  # noqa: E402

# NIX_PATH entries are relative to the cases dir (the cwd of every run).
NIX_PATH = "data/np1:nx=data/np2"
HOME = "/homeless-shelter"
NIX_CONF = "experimental-features =\nshow-trace = false\n"
ANSI_RE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def fixed_env(conf_dir):
    return {
        "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
        "HOME": HOME,
        "NIX_PATH": NIX_PATH,
        "NIX_REMOTE": "dummy://",
        "NIX_STORE_DIR": "/nix/store",
        "NIX_CONF_DIR": conf_dir,
        "NIX_USER_CONF_FILES": os.path.join(conf_dir, "nix.conf"),
        "TEST_VAR": "foo",
        "BASTION_DIFF_VAR": "hello world",
        "TZ": "UTC",
        "LC_ALL": "C.UTF-8",
        "PAGER": "cat",
        "TERM": "dumb",
        "NO_COLOR": "1",
    }


class Case:
    def __init__(self, cases_dir, filename):
        self.file = filename
        self.name = filename[:-4]
        self.path = os.path.join(cases_dir, filename)
        self.exp_path = os.path.join(cases_dir, self.name + ".exp")
        self.is_fail = self.name.startswith("fail-")
        self.flags = []
        self.nolive = None
        with open(self.path, encoding="utf-8", errors="replace") as f:
            for line in f:
                if not line.startswith("#"):
                    break
                m = re.match(r"#\s*(flags|nolive)\s*:\s*(.*?)\s*$", line)
                if not m:
                    continue
                if m.group(1) == "flags":
                    self.flags += shlex.split(m.group(2))
                else:
                    self.nolive = m.group(2) or "yes"

    @property
    def is_parse(self):
        return "--parse" in self.flags

    @property
    def is_json(self):
        return "--json" in self.flags

    def argv(self, cmd):
        if self.is_parse:
            return cmd + self.flags + [self.file]
        return cmd + ["--eval", "--strict"] + self.flags + [self.file]


def run_case(argv, cwd, env, timeout, prefixes):
    """A case's command: no stdin, killed with its process group after
    timeout; the cases dir in its output read as /pwd."""
    r = bt.run(argv, stdin=subprocess.DEVNULL, cwd=cwd, env=env, timeout=timeout, exec_errors=True)
    return r._replace(out=normalise(r.out, prefixes), err=normalise(r.err, prefixes))


def normalise(data, prefixes):
    for p in prefixes:
        data = data.replace(p, b"/pwd")
    return data


def reference_fixups(case, out):
    """Known, deliberate differences between Nix 2.8 and upstream Nix (2.36).

    Upstream ends `--json` output with a newline; Nix 2.8 prints none."""
    if case.is_json and out and not out.endswith(b"\n"):
        out += b"\n"
    return out


def clip(b, start, width=40):
    s = b[max(0, start - 10):start + width]
    t = repr(s.decode("utf-8", errors="backslashreplace"))
    return ("…" if start > 10 else "") + t + ("…" if start + width < len(b) else "")


def short_diff(exp, got):
    i = 0
    n = min(len(exp), len(got))
    while i < n and exp[i] == got[i]:
        i += 1
    return "at byte %d: expected %s, got %s" % (i, clip(exp, i), clip(got, i))


def first_err_line(err):
    for line in ANSI_RE.sub("", err.decode("utf-8", errors="replace")).splitlines():
        if line.strip():
            return line.strip()[:160]
    return "(no stderr)"


def check_fail(res):
    """Problem text, or None when the case failed the way fail-* must."""
    err = ANSI_RE.sub("", res.err.decode("utf-8", errors="replace"))
    if res.rc != 1:
        return "expected exit code 1, got %s (%s)" % (res.status, first_err_line(res.err))
    if not err.startswith("error:"):
        return "stderr does not start with 'error:': %r" % err[:80]
    return None


def check_ok(res, exp, what):
    if res.rc != 0:
        return "exit %s (%s)" % (res.status, first_err_line(res.err))
    if res.out != exp:
        return "stdout differs from %s %s" % (what, short_diff(exp, res.out))
    return None


def unified(exp, got, label):
    lines = difflib.unified_diff(
        exp.decode("utf-8", "backslashreplace").splitlines(True),
        got.decode("utf-8", "backslashreplace").splitlines(True),
        label, "got", n=1)
    out = []
    for l in lines:
        out.append("      " + l)
        if not l.endswith("\n"):
            out.append("\n      \\ No newline at end of file\n")
    return "".join(out)


def evaluate(case, args, env, prefixes):
    """Returns (list of problem strings, verbose detail)."""
    problems = []
    detail = ""
    res = None
    if not args.no_stored:
        res = run_case(case.argv(args.candidate), args.cases, env, args.timeout, prefixes)
        if case.is_fail:
            p = check_fail(res)
            if p:
                problems.append(p)
        else:
            try:
                with open(case.exp_path, "rb") as f:
                    exp = f.read()
            except FileNotFoundError:
                problems.append("missing %s.exp" % case.name)
            else:
                p = check_ok(res, exp, ".exp")
                if p:
                    problems.append(p)
                    if res.rc == 0:
                        detail += unified(exp, res.out, case.name + ".exp")
    if args.live and case.nolive is None:
        ref = run_case(case.argv(args.reference), args.cases, env, args.timeout, prefixes)
        ref = ref._replace(out=reference_fixups(case, ref.out))
        if res is None:
            res = run_case(case.argv(args.candidate), args.cases, env, args.timeout, prefixes)
        if case.is_fail:
            if ref.rc != 1:
                problems.append("[live] reference exited %s, not 1 (bad case?)" % ref.status)
            p = check_fail(res)
            if p and args.no_stored:
                problems.append("[live] " + p)
        elif ref.rc != 0:
            problems.append("[live] reference exited %s (%s) (bad case?)"
                            % (ref.status, first_err_line(ref.err)))
        else:
            p = check_ok(res, ref.out, "live reference")
            if p:
                problems.append("[live] " + p)
                if res.rc == 0:
                    detail += unified(ref.out, res.out, "reference")
    return problems, detail


def generate(case, args, env, prefixes):
    if case.nolive is not None:
        return ["kept by hand (nolive: %s)" % case.nolive], False
    ref = run_case(case.argv(args.reference), args.cases, env, args.timeout, prefixes)
    if case.is_fail:
        p = check_fail(ref)
        return ([p] if p else []), True
    if ref.rc != 0:
        return ["reference exited %s (%s)" % (ref.status, first_err_line(ref.err))], True
    with open(case.exp_path, "wb") as f:
        f.write(reference_fixups(case, ref.out))
    return [], True


def main():
    ap = argparse.ArgumentParser(
        description="Differential tests of Bastion's evaluator (see the module docstring).")
    who = ap.add_mutually_exclusive_group()
    who.add_argument("--bin", metavar="PATH",
                     help="the bastion binary; the candidate is `PATH nix-instantiate`")
    who.add_argument("--candidate-cmd", metavar="CMD",
                     help="a whole nix-instantiate-compatible command, e.g. 'nix-instantiate'")
    ap.add_argument("--reference-cmd", metavar="CMD", default="nix-instantiate",
                    help="reference for --live and --generate (default: nix-instantiate)")
    ap.add_argument("--cases", metavar="DIR", default=DEFAULT_CASES)
    ap.add_argument("--only", metavar="REGEX", help="run only cases whose name matches (re.search)")
    ap.add_argument("--live", action="store_true",
                    help="also compare against the reference run live (when it is on PATH)")
    ap.add_argument("--no-stored", action="store_true",
                    help="skip the comparison with the stored .exp files (use with --live)")
    ap.add_argument("--generate", action="store_true",
                    help="(maintainers) rewrite the .exp files from the reference")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--timeout", type=float, default=10.0, help="seconds per run (default 10)")
    ap.add_argument("-v", "--verbose", action="store_true", help="print full diffs")
    args = ap.parse_args()

    args.cases = os.path.abspath(args.cases)
    if args.bin:
        args.candidate = [os.path.abspath(args.bin), "nix-instantiate"]
    elif args.candidate_cmd:
        args.candidate = shlex.split(args.candidate_cmd)
    elif not args.generate:
        ap.error("one of --bin or --candidate-cmd is required")
    args.reference = shlex.split(args.reference_cmd)

    if (args.live or args.generate) and shutil.which(args.reference[0]) is None:
        if args.generate:
            ap.error("reference %r not found on PATH" % args.reference[0])
        print("note: %s not found on PATH; live comparison skipped" % args.reference[0])
        args.live = False
    if args.no_stored and not args.live:
        print("note: --no-stored without a live reference: nothing to compare")

    try:
        names = sorted(f for f in os.listdir(args.cases)
                       if f.endswith(".nix") and os.path.isfile(os.path.join(args.cases, f)))
    except OSError as e:
        print("error: cannot list cases: %s" % e, file=sys.stderr)
        return 2
    if args.only:
        rx = re.compile(args.only)
        names = [n for n in names if rx.search(n[:-4])]
    cases = [Case(args.cases, n) for n in names]

    prefixes = sorted({os.path.realpath(args.cases).encode(), args.cases.encode()},
                      key=len, reverse=True)
    with bt.work_dir("bastion-diff-") as conf_dir:
        bt.write_file(os.path.join(conf_dir, "nix.conf"), NIX_CONF)
        env = fixed_env(conf_dir)
        fn = generate if args.generate else evaluate
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            results = list(pool.map(lambda c: fn(c, args, env, prefixes), cases))

    if args.generate:
        written = 0
        for case, (problems, ran) in zip(cases, results):
            for p in problems:
                print("%-8s %s: %s" % ("NOTE" if not ran else "PROBLEM", case.name, p))
            written += ran and not problems and not case.is_fail
        bad = sum(1 for _, (p, ran) in zip(cases, results) if p and ran)
        print("generated %d .exp files; %d cases need attention" % (written, bad))
        return 1 if bad else 0

    report = bt.Report(show_ok=False)
    for case, (problems, detail) in zip(cases, results):
        report.check(not problems, "%s: %s" % (case.name, "; ".join(problems)) if problems else case.name)
        if problems and args.verbose and detail:
            sys.stdout.write(detail)
    return report.summary()


if __name__ == "__main__":
    sys.exit(main())
