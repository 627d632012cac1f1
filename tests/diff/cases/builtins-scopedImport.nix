[
  (builtins.scopedImport { x = 1; y = 2; } ./data/scoped.nix)
  (builtins.scopedImport { x = "a"; y = "b"; } ./data/scoped.nix)
  (builtins.scopedImport { } ./data/lib.nix).name
]
