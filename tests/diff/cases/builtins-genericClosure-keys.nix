# genericClosure's "seen" set: string keys (hashed), then a mix of ints and
# floats after strings are no longer the only keys, duplicates dropped.
let
  grow = x: if builtins.isString x.key && builtins.stringLength x.key < 4 then [ { key = x.key + "a"; } { key = "b"; } { key = x.key; } ] else [ ];
  f = ks: map (x: x.key) (builtins.genericClosure { startSet = map (k: { key = k; }) ks; operator = grow; });
in
[ (f [ "x" "y" "x" ]) (f [ 1 2 1 ]) (f [ 1 1.0 2 2.5 ]) (f [ "" "a" "" ]) (f [ ]) ]
