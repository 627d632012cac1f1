let
  f = x: y: x * 10 + y;
  s = { f = x: x + 1; };
in
[ (f 1 2) ((f 1) 2) (s.f 1) (f (f 1 2) 3) (builtins.map (x: x) [ 1 ]) ([ (f 0 1) ]) ]
