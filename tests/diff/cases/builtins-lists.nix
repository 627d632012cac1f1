with builtins;
[
  (head [ 1 2 ]) (tail [ 1 2 3 ]) (tail [ 1 ]) (length [ ]) (length [ 1 2 3 ]) (elemAt [ "a" "b" ] 1)
  (elem 2 [ 1 2 3 ]) (elem 5 [ 1 2 ]) (elem [ 1 ] [ [ 1 ] ]) (filter (x: x > 1) [ 1 2 3 ])
  (map (x: x * x) [ 1 2 3 ]) (genList (x: x * 2) 5) (genList (x: x) 0) (concatLists [ [ 1 ] [ ] [ 2 3 ] ])
  (any (x: x > 2) [ 1 2 3 ]) (any (x: x) [ ]) (all (x: x > 0) [ 1 2 ]) (all (x: false) [ ])
  (foldl' (acc: x: acc + x) 0 [ 1 2 3 4 ]) (foldl' (acc: x: [ x ] ++ acc) [ ] [ 1 2 3 ])
]
