let
  true = false;
  null = 5;
  map = "shadowed map";
  builtins = { length = x: "fake"; };
in
[ true null map (builtins.length [ ]) ]
