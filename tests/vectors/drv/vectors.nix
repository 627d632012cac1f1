# The derivations of tests/vectors/drv, instantiated by generate.sh with
# Nix 2.8: every output mode and hash algorithm, several outputs, string
# escapes, and input derivations and sources.
rec {
  simple = derivation {
    name = "x";
    system = "x86_64-linux";
    builder = "/bin/sh";
    args = [ "-c" "echo > $out" ];
  };
  multi = derivation {
    name = "multi";
    system = "x86_64-linux";
    builder = "/bin/sh";
    outputs = [ "out" "dev" "lib" ];
    args = [ "-c" "echo \"quote\" \\back\ttab\r\n > $out" ];
  };
  fixed = derivation {
    name = "fx";
    system = "x86_64-linux";
    builder = "/bin/sh";
    args = [ "-c" "echo -n hello > $out" ];
    outputHashAlgo = "sha256";
    outputHash = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
  };
  fixedrec = derivation {
    name = "fxr";
    system = "x86_64-linux";
    builder = "/bin/sh";
    args = [ "-c" "x" ];
    outputHashMode = "recursive";
    outputHash = "sha256-TFmV4TxjSu6Q+ND3Eb5cG4u0Gm+t1NmfRvOTyHLe2VQ=";
  };
  fixedmd5 = derivation {
    name = "fxmd5";
    system = "x86_64-linux";
    builder = "/bin/sh";
    outputHashAlgo = "md5";
    outputHash = "5d41402abc4b2a76b9719d911017c592";
  };
  fixedsha1 = derivation {
    name = "fxsha1";
    system = "x86_64-linux";
    builder = "/bin/sh";
    outputHashMode = "recursive";
    outputHashAlgo = "sha1";
    outputHash = "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d";
  };
  fixedsha512 = derivation {
    name = "fxsha512";
    system = "x86_64-linux";
    builder = "/bin/sh";
    outputHashAlgo = "sha512";
    outputHash = "9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca72323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043";
  };
  dep = derivation {
    name = "dep";
    system = "x86_64-linux";
    builder = "/bin/sh";
    args = [ "-c" "cat ${simple} ${multi.dev} ${fixed} ${builtins.toFile "src" "s"} > $out" ];
  };
}
