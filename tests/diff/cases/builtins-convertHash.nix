# nolive: builtins.convertHash is newer than Nix 2.8 (added in 2.19); expected output written by hand
let
  hex = builtins.hashString "sha256" "hello";
  conv = toHashFormat: builtins.convertHash { hash = hex; hashAlgo = "sha256"; inherit toHashFormat; };
in
[
  (conv "base16")
  (conv "nix32")
  (conv "base32")
  (conv "base64")
  (conv "sri")
  (builtins.convertHash { hash = conv "sri"; toHashFormat = "base16"; })
  (builtins.convertHash { hash = "sha256:${conv "nix32"}"; toHashFormat = "base16"; })
  (builtins.convertHash { hash = conv "base64"; hashAlgo = "sha256"; toHashFormat = "nix32"; })
  (builtins.convertHash { hash = builtins.hashString "md5" "hello"; hashAlgo = "md5"; toHashFormat = "sri"; })
  (builtins.convertHash { hash = builtins.hashString "sha1" ""; hashAlgo = "sha1"; toHashFormat = "nix32"; })
  (builtins.convertHash { hash = builtins.hashString "sha512" "hello"; hashAlgo = "sha512"; toHashFormat = "sri"; })
]
