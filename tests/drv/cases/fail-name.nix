# An invalid derivation name is refused.
derivation { name = "~bad~"; system = "x86_64-linux"; builder = "/bin/sh"; }
