# expect: failed to produce output path
# A builder that exits 0 without producing its output.
derivation { name = "lazy"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" "true" ]; }
