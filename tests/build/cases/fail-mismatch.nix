# expect: hash mismatch in fixed-output derivation
# The promised hash does not match what the builder produced.
derivation {
  name = "mismatch";
  system = "x86_64-linux";
  builder = "/bin/sh";
  args = [ "-c" "printf goodbye > $out" ];
  outputHashAlgo = "sha256";
  outputHash = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
}
