let
  f = x: x;
  s = { inherit f; };
in
[ (f == f) ((x: x) == (x: x)) ([ f ] == [ f ]) (s == s) ({ inherit f; } == { inherit f; }) (builtins.map == builtins.map) ]
