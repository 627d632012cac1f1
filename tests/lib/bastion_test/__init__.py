"""The one harness of the Python test runners (tests/*/run.py and the like).

A runner puts tests/lib on sys.path and imports this package:

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
    import bastion_test as bt

What it holds, one version of each:

  command  run(): a command with its output captured, an optional timeout
           that kills the command's whole process group, Result
  report   Report: "ok   WHAT" / "FAIL WHAT" lines, the closing
           "N passed, M failed" line and the exit status; skip()
  stores   work_dir(): a throw-away directory removed afterwards even when
           store objects made it read-only; Stores: fresh store roots in it;
           what a store holds (store_paths, snapshot) and what Nix 2.8
           reads from it (nix_queries, nix_verify)
  compare  compare(): one command line run by Nix and by Bastion, checked
           equal; show(): a Result as a detail line
  sanitizer  sanitizer_report(): stderr holds an ASan/UBSan report
  nix      how Nix 2.8 and Bastion are invoked alike: the sandbox options,
           Nix's environment as root without build users, busybox

Runners keep what they check; the harness only runs, cleans up and counts.
"""

from .command import Result, run
from .compare import compare, show
from .nix import bastion_sandbox_options, busybox, nix_env, nix_sandbox_options
from .report import SKIP, Report, skip
from .sanitizer import sanitizer_report
from .stores import (Stores, describe, nix_queries, nix_verify, remove_tree, snapshot,
                     store_paths, verify_findings, work_dir, write_file)
