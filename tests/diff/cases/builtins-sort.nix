with builtins;
[
  (sort lessThan [ 3 1 2 5 4 ])
  (sort (a: b: a > b) [ 3 1 2 5 4 ])
  (sort lessThan [ ])
  (sort lessThan [ 1.5 1 2 0.5 ])
  (sort lessThan [ "c" "a" "b" ])
  # stability: equal keys keep their input order
  (sort (a: b: a.k < b.k) [
    { k = 2; v = "a"; } { k = 1; v = "b"; } { k = 2; v = "c"; } { k = 1; v = "d"; } { k = 0; v = "e"; } { k = 2; v = "f"; }
  ])
  (map (x: x.v) (sort (a: b: a.k < b.k) (genList (i: { k = i - i / 3 * 3; v = i; }) 20)))
]
