#!/usr/bin/env python3
"""Tests of the runners' harness (tests/lib/bastion_test) itself: that a
timeout kills the whole process group, that a failed check fails the run,
that read-only store trees are removed, that a sanitizer report is seen.
Every differential runner depends on these; ctest runs this as lib.harness.
"""
import contextlib
import io
import os
import signal
import stat
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bastion_test as bt  # noqa: E402


class Run(unittest.TestCase):
    def test_output_and_status(self):
        r = bt.run(["sh", "-c", "echo out; echo err >&2; exit 3"])
        self.assertEqual(r, (3, b"out\n", b"err\n"))
        self.assertEqual((r.rc, r.returncode, r.stdout, r.stderr), (3, 3, b"out\n", b"err\n"))

    def test_stdin_text_and_env(self):
        r = bt.run(["sh", "-c", "cat; echo $A$B"], stdin="in\n", env={"A": "a", "PATH": os.environ["PATH"]},
                   add_env={"B": "b"}, text=True)
        self.assertEqual(r, (0, "in\nab\n", ""))

    def test_newlines_as_subprocess_text_mode(self):
        r = bt.run(["printf", "a\\r\\nb\\rc"], newlines=True)
        self.assertEqual(r.out, "a\nb\nc")
        self.assertEqual(bt.run(["printf", "a\\r\\n"], text=True).out, "a\r\n")

    def test_timeout_kills_the_process_group(self):
        r = bt.run(["sh", "-c", "sleep 4711 & echo started; wait"], timeout=0.5, text=True)
        self.assertIsNone(r.rc)
        self.assertEqual(r.status, "timeout after 0.5s")
        self.assertEqual(r.out, "started\n")
        left = bt.run(["pgrep", "-f", "sleep 4711"]).out
        self.assertEqual(left, b"", "the timed-out command's child survived")

    def test_signal_status(self):
        r = bt.run(["sh", "-c", "kill -SEGV $$"])
        self.assertEqual(r.rc, -signal.SIGSEGV)
        self.assertEqual(r.status, "signal SIGSEGV")

    def test_exec_errors_and_ok_codes(self):
        r = bt.run(["/nonexistent/program"], exec_errors=True)
        self.assertEqual(r.rc, 127)
        self.assertIn(b"cannot execute /nonexistent/program", r.err)
        with self.assertRaises(OSError):
            bt.run(["/nonexistent/program"])
        with self.assertRaises(RuntimeError):
            bt.run(["false"], ok_codes=(0,))
        self.assertEqual(bt.run(["false"], ok_codes=(1,)).rc, 1)

    def test_argv0_and_warnings(self):
        r = bt.run(["/bin/sh", "-c", "echo $0; echo 'warning: x' >&2; echo 'error: y' >&2"], argv0="nix-hash",
                   drop_warnings=True)
        self.assertEqual(r, (0, b"nix-hash\n", b"error: y\n"))

    def test_replace_keeps_the_timeout(self):
        r = bt.run(["sleep", "5"], timeout=0.2)._replace(out=b"x")
        self.assertEqual((r.out, r.status), (b"x", "timeout after 0.2s"))


def quiet(f, *args, **kw):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        result = f(*args, **kw)
    return result, out.getvalue()


class Reporting(unittest.TestCase):
    def test_all_pass(self):
        r = bt.Report()
        self.assertEqual(quiet(r.check, True, "one")[1], "ok   one\n")
        status, out = quiet(r.summary)
        self.assertEqual((status, out), (0, "1 passed, 0 failed\n"))

    def test_a_failure_fails_the_run(self):
        r = bt.Report(show_ok=False)
        self.assertEqual(quiet(r.check, True, "one"), (True, ""))
        self.assertEqual(quiet(r.check, 0, "two", "why\nand how"), (False, "FAIL two\n     why\n     and how\n"))
        status, out = quiet(r.summary, "{passed}/{total} cases agree ({failed} not)")
        self.assertEqual((status, out), (1, "1/2 cases agree (1 not)\n"))
        self.assertEqual(r.failures, ["two"])

    def test_skip(self):
        self.assertEqual(quiet(bt.skip, "no nix"), (77, "SKIP: no nix\n"))

    def test_compare(self):
        r = bt.Report()
        quiet(bt.compare, r, "same", ["echo", "a"], ["echo", "a"])
        (n, b), out = quiet(bt.compare, r, "differs", ["echo", "a"], ["echo", "b"])
        self.assertEqual((n.out, b.out), (b"a\n", b"b\n"))
        self.assertEqual((r.passed, r.failures), (1, ["differs"]))
        self.assertIn("stdout=b'b\\n'", out)
        quiet(bt.compare, r, "same status", ["sh", "-c", "echo a; exit 2"], ["sh", "-c", "exit 2"],
              key=lambda x: x.rc)
        self.assertEqual(r.passed, 2)

    def test_sanitizer_report(self):
        self.assertTrue(bt.sanitizer_report("==1==ERROR: AddressSanitizer: heap-use-after-free"))
        self.assertTrue(bt.sanitizer_report(b"src/x.cpp:3:5: runtime error: signed integer overflow"))
        self.assertFalse(bt.sanitizer_report("error: attribute 'x' missing"))


class Dirs(unittest.TestCase):
    def test_read_only_tree_is_removed(self):
        with bt.work_dir("bastion-selftest-") as d:
            store = os.path.join(d, "s", "nix", "store", "x")
            os.makedirs(os.path.join(store, "sub"))
            bt.write_file(os.path.join(store, "sub", "f"), b"f")
            os.symlink("/etc", os.path.join(store, "link"))
            for p in (os.path.join(store, "sub"), store):
                os.chmod(p, 0o555)
        self.assertFalse(os.path.exists(d))
        self.assertTrue(stat.S_IMODE(os.stat("/etc").st_mode) & 0o200, "a symlink's target was changed")

    def test_mode_real_and_keep(self):
        with contextlib.redirect_stdout(io.StringIO()):
            with bt.work_dir("bastion-selftest-", keep=True, real=True, mode=0o755) as d:
                self.assertEqual(stat.S_IMODE(os.stat(d).st_mode), 0o755)
                self.assertEqual(d, os.path.realpath(d))
        self.assertTrue(os.path.isdir(d))
        bt.remove_tree(d)
        self.assertFalse(os.path.exists(d))

    def test_stores(self):
        s = bt.Stores("/r")
        self.assertEqual((s.new(), s.new()), ("/r/store1", "/r/store2"))

    def test_store_paths_and_snapshot(self):
        with bt.work_dir("bastion-selftest-") as d:
            top = os.path.join(d, "nix", "store")
            os.makedirs(os.path.join(top, "aaa-x", "d"))
            bt.write_file(os.path.join(top, "aaa-x", "d", "f"), "f")
            bt.write_file(os.path.join(top, "aaa-x.lock"), "")
            bt.write_file(os.path.join(top, ".links"), "")
            self.assertEqual(bt.store_paths(d), ["/nix/store/aaa-x"])
            self.assertEqual(sorted(bt.snapshot(d)), ["aaa-x", "aaa-x/d", "aaa-x/d/f"])
            self.assertEqual(bt.snapshot(d)["aaa-x/d/f"][:2], ("file", b"f"))

    def test_verify_findings(self):
        err = ("reading the Nix store...\nchecking path existence...\nwarning: the group 'nixbld' ...\n"
               "path '/nix/store/x' was modified! expected hash 'a', got 'b'\n")
        self.assertEqual(bt.verify_findings(err), ["path '/nix/store/x' was modified! expected hash 'a', got 'b'"])


if __name__ == "__main__":
    unittest.main()
