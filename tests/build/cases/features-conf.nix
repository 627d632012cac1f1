# A feature the configuration adds is there to require.
# env: NIX_CONFIG=system-features = foo
derivation {
  name = "features-conf";
  system = "x86_64-linux";
  builder = "/bin/sh";
  args = [ "-c" "echo > $out" ];
  requiredSystemFeatures = "foo";
}
