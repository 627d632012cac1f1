let
  s = {
    a = 1;
      b = 2;
    c.d = 3;
    "quoted" = 4;
  };
in
[
  (builtins.unsafeGetAttrPos "a" s)
  (builtins.unsafeGetAttrPos "b" s)
  (builtins.unsafeGetAttrPos "c" s)
  (builtins.unsafeGetAttrPos "quoted" s)
  (builtins.unsafeGetAttrPos "missing" s)
  (builtins.unsafeGetAttrPos "x" (import ./data/pos.nix))
]
