# Fixed-output derivations: flat and recursive, every algorithm and encoding.
# Two that differ only in their builder have the same output path, and a
# dependent of either gets the same .drv: the fixed output contributes its
# hash, not its .drv.
let
  fo = attrs: derivation ({ system = "x86_64-linux"; builder = "/bin/sh"; } // attrs);
  a = fo { name = "src"; args = [ "-c" "echo a" ]; outputHash = "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="; };
  b = fo { name = "src"; args = [ "-c" "echo b" ]; outputHashAlgo = "sha256"; outputHash = "0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73"; };
  user = dep: derivation { name = "user"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" "cat ${dep}" ]; };
in
{
  a = a;
  b = b;
  userA = user a;
  userB = user b;
  md5 = fo { name = "md5"; outputHashAlgo = "md5"; outputHash = "d41d8cd98f00b204e9800998ecf8427e"; };
  sha1 = fo { name = "sha1"; outputHashAlgo = "sha1"; outputHash = "0000000000000000000000000000000000000000"; outputHashMode = "flat"; };
  sha1r = fo { name = "sha1r"; outputHashAlgo = "sha1"; outputHash = "2jmj7l5rSw0yVb/vlWAYkK/YBwk="; outputHashMode = "recursive"; };
  sha256r = fo { name = "sha256r"; outputHash = "sha256:1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s"; outputHashMode = "recursive"; };
  sha512 = fo { name = "sha512"; outputHash = "sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg=="; };
  sha512r = fo { name = "sha512r"; outputHashAlgo = "sha512"; outputHashMode = "recursive"; outputHash = "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"; };
}
