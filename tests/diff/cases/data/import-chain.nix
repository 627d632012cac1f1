# relative imports resolve against the importing file
(import ./lib.nix).double 5 + import ./dir/a.nix
