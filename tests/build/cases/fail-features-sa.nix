# The same under __structuredAttrs, where the requirement is a JSON list.
# flags: --option system-features big-parallel
# expect: with features {kvm, nixos-test} is required to build
# expect: but I am a 'x86_64-linux' with features {big-parallel}
derivation {
  name = "features-sa";
  system = "x86_64-linux";
  builder = "/bin/sh";
  args = [ "-c" "echo > $out" ];
  __structuredAttrs = true;
  requiredSystemFeatures = [ "nixos-test" "kvm" ];
}
