# Multiple outputs: one refers to itself and to another, which does not
# refer back; a dependent refers to one output only.
let
  multi = derivation {
    name = "multi";
    system = "x86_64-linux";
    builder = "/bin/sh";
    outputs = [ "out" "dev" "doc" ];
    args = [ "-c" ''
      mkdir -p $out $dev $doc
      echo "self: $out" > $out/self
      echo $dev > $out/dev-path
      echo "headers" > $dev/include
      echo "plain doc" > $doc/readme
    '' ];
  };
in
derivation {
  name = "user";
  system = "x86_64-linux";
  builder = "/bin/sh";
  args = [ "-c" "echo ${multi.dev} ${multi.doc} > $out" ];
}
