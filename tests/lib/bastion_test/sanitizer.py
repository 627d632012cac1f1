"""Sanitizer reports: a command of a --sanitize build (ASan, UBSan) that
found a bug says so on stderr and may still exit as expected."""


def sanitizer_report(err):
    """True when stderr (str or bytes) holds an AddressSanitizer/UBSan report."""
    if isinstance(err, bytes):
        err = err.decode(errors="replace")
    return "Sanitizer" in err or "runtime error" in err
