"""Reporting: one line a check, the closing tally, the exit status."""

# ctest's SKIP_RETURN_CODE, for the tests registered with it.
SKIP = 77


class Report:
    """Counts checks and prints them as every runner does:

        ok   WHAT            (unless show_ok is False: runners with thousands of checks)
        FAIL WHAT
             DETAIL          (indented under WHAT)
        ...
        N passed, M failed   (summary(): always the last line)
    """

    def __init__(self, show_ok=True):
        self.show_ok = show_ok
        self.passed = 0
        self.failures = []

    def check(self, ok, what, detail=""):
        """Records one check; returns ok, so a caller can go on only when it held."""
        if ok:
            self.passed += 1
            if self.show_ok:
                print("ok   " + what, flush=True)
        else:
            self.failures.append(what)
            print("FAIL " + what, flush=True)
            if detail:
                print("     " + detail.rstrip("\n").replace("\n", "\n     "), flush=True)
        return bool(ok)

    @property
    def failed(self):
        return len(self.failures)

    @property
    def total(self):
        return self.passed + len(self.failures)

    def summary(self, line="{passed} passed, {failed} failed"):
        """Prints the tally, line formatted with passed, failed and total
        (runners whose checks are cases say e.g. "{passed}/{total} cases
        agree"); returns the exit status: 1 when anything failed, else 0."""
        print(line.format(passed=self.passed, failed=self.failed, total=self.total), flush=True)
        return 1 if self.failures else 0


def skip(reason, code=SKIP):
    """Says why nothing was checked; returns the exit status to end with."""
    print("SKIP: " + reason, flush=True)
    return code
