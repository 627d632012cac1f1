# expect: cycle detected in build of
# Multiple outputs that refer to each other and to themselves, and a
# dependent that refers to one of them.
let
  multi = derivation {
    name = "multi";
    system = "x86_64-linux";
    builder = "/bin/sh";
    outputs = [ "out" "dev" "doc" ];
    args = [ "-c" ''
      mkdir -p $out $dev $doc
      echo "self: $out" > $out/self
      echo "dev of $out" > $dev/ref
      echo "plain doc" > $doc/readme
      echo $dev > $out/dev-path
    '' ];
  };
in
derivation {
  name = "user";
  system = "x86_64-linux";
  builder = "/bin/sh";
  args = [ "-c" "echo ${multi.dev} > $out" ];
}
