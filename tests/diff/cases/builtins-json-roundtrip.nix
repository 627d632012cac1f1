let
  v = { a = [ 1 2 { b = "c"; } ]; d = null; e = true; f = "x\ny"; g = -5; h = 0.5; };
in
[ (builtins.fromJSON (builtins.toJSON v) == v) (builtins.toJSON (builtins.fromJSON "[1,{\"k\":[]}]")) ]
