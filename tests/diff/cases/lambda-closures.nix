let
  mkCounter = start: { next = mkCounter (start + 1); value = start; };
  adders = map (n: x: x + n) [ 1 10 100 ];
in
[ (mkCounter 0).next.next.value (map (f: f 1) adders) ]
