# builder is required.
derivation { name = "x"; system = "x86_64-linux"; }
