# extra-system-features adds to the default set (benchmark stays).
# flags: --option extra-system-features foo
derivation {
  name = "features-extra";
  system = "x86_64-linux";
  builder = "/bin/sh";
  args = [ "-c" "echo > $out" ];
  requiredSystemFeatures = "benchmark foo";
}
