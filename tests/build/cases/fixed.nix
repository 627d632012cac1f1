# A fixed-output derivation (flat) and one (recursive) whose builders
# differ from the hash promised: the first succeeds, the second fails
# with a hash mismatch.
{
  ok = derivation {
    name = "fixed";
    system = "x86_64-linux";
    builder = "/bin/sh";
    args = [ "-c" "printf hello > $out" ];
    outputHashAlgo = "sha256";
    outputHash = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
  };
}
