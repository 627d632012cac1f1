let
  l = [ (throw "a") 2 (abort "b") ];
in
[ (builtins.length l) (builtins.elemAt l 1) (builtins.length (map (x: throw "x") [ 1 2 3 ])) ]
