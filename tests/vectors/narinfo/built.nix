let dep = builtins.toFile "dep.txt" "dependency\n"; in
derivation { name = "built"; system = "x86_64-linux"; builder = "/bin/sh"; args = ["-c" "echo ${dep} > $out"]; }
