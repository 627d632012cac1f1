# A required system feature the machine lacks: refused before building,
# with Nix's message (both sets sorted) and exit status.
# flags: --option system-features bar
# expect: error: a 'x86_64-linux' with features {bar, foo} is required to build '/nix/store/cprawn87qqbdssqkjfqbjaflmq37bha3-features.drv', but I am a 'x86_64-linux' with features {bar}
derivation {
  name = "features";
  system = "x86_64-linux";
  builder = "/bin/sh";
  args = [ "-c" "echo > $out" ];
  requiredSystemFeatures = [ "foo" "bar" ];
}
