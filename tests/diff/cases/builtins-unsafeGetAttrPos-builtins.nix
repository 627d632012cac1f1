# Which sets that builtins build keep their attributes' positions (Nix 2.8:
# listToAttrs, intersectAttrs, removeAttrs, functionArgs and // do; mapAttrs,
# zipAttrsWith, fromJSON, fromTOML, groupBy, partition, parseDrvName and
# tryEval build theirs without positions). Inherited names are left out: there
# Bastion follows upstream Nix (a position per name), see the conformance corpus.
let
  s = { a = 1; b = 2; };
  p = n: x: builtins.unsafeGetAttrPos n x;
in {
  plain = p "a" s;
  mapAttrs = p "a" (builtins.mapAttrs (n: v: v) s);
  mapAttrsTwice = p "a" (builtins.mapAttrs (n: v: v) (builtins.mapAttrs (n: v: v) s));
  listToAttrs = p "a" (builtins.listToAttrs [ { name = "a"; value = 1; } ]);
  intersect = p "a" (builtins.intersectAttrs { a = 0; } s);
  remove = p "a" (builtins.removeAttrs s [ "b" ]);
  update = p "a" (s // { c = 3; });
  fargs = p "a" (builtins.functionArgs ({ a, b ? 1 }: a));
  zip = p "a" (builtins.zipAttrsWith (n: v: v) [ s ]);
  fromJSON = p "a" (builtins.fromJSON ''{"a":1}'');
  fromTOML = p "a" (builtins.fromTOML "a = 1");
  partition = p "right" (builtins.partition (x: true) [ 1 ]);
  groupBy = p "a" (builtins.groupBy (x: "a") [ 1 ]);
  parseDrvName = p "name" (builtins.parseDrvName "a-1");
  tryEval = p "value" (builtins.tryEval 1);
  dyn = p "a" { ${"a"} = 1; };
  nested = p "b" { a.b = 1; }.a;
  getContext = p "x" (builtins.getContext "x");
}
