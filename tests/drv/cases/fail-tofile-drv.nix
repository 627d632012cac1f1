# toFile may not refer to a derivation.
let d = derivation { name = "x"; system = "x86_64-linux"; builder = "/bin/sh"; }; in
builtins.toFile "f" "${d}"
