with builtins;
[ (foldl' (a: b: a * b) 1 [ 1 2 3 4 5 ]) (foldl' (a: b: b) null [ ]) (foldl' (a: b: a ++ [ b ]) [ ] [ "x" "y" ]) (foldl' (acc: e: acc // { ${e} = true; }) { } [ "a" "b" ]) ]
