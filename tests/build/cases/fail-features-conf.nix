# system-features from the configuration (NIX_CONFIG, as nix.conf).
# env: NIX_CONFIG=system-features = nixos-test benchmark
# expect: with features {foo} is required to build
# expect: but I am a 'x86_64-linux' with features {benchmark, nixos-test}
derivation {
  name = "features-conf";
  system = "x86_64-linux";
  builder = "/bin/sh";
  args = [ "-c" "echo > $out" ];
  requiredSystemFeatures = "foo";
}
