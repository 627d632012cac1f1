# exportReferencesGraph of a path outside the input closure is refused.
# expect: is not in the input closure of the derivation
let a = derivation { name = "a"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" "echo a > $out" ]; };
in derivation {
  name = "graph-bad";
  system = "x86_64-linux";
  builder = "/bin/sh";
  exportReferencesGraph = [ "closure" (builtins.unsafeDiscardStringContext "${a}") ];
  args = [ "-c" "echo > $out" ];
}
