# expect: is not allowed to refer to the following paths
# allowedReferences forbids what the output refers to.
let dep = derivation { name = "dep"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" "echo > $out" ]; }; in
derivation {
  name = "refs";
  system = "x86_64-linux";
  builder = "/bin/sh";
  allowedReferences = [ ];
  args = [ "-c" "echo ${dep} > $out" ];
}
