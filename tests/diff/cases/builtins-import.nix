[
  (import ./data/lib.nix).name
  ((import ./data/lib.nix).double 21)
  (import ./data/fun.nix { a = 1; })
  (import ./data/default-dir)
  (import ./data/import-chain.nix)
  (import ./data/dir/a.nix)
  (builtins.import ./data/dir/a.nix)
]
