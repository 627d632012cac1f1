# -j0: no local builds, and there are no remote builders to use.
# flags: -j0
# expect: unable to start any build; either increase '--max-jobs' or enable remote builds.
derivation { name = "no-jobs"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" "echo > $out" ]; }
