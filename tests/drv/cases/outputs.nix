# Multiple outputs; nix-instantiate prints "drv!output" for a non-first output.
let
  multi = derivation {
    name = "multi";
    system = "x86_64-linux";
    builder = "/bin/sh";
    outputs = [ "out" "dev" "lib" ];
    args = [ "-c" "mkdir $out $dev $lib" ];
  };
  user = derivation {
    name = "user";
    system = "x86_64-linux";
    builder = "/bin/sh";
    args = [ "-c" "echo ${multi.dev} ${multi.lib} > $out" ];
  };
in
[ multi multi.dev multi.lib user ]
