let
  s = { bad = throw "bad"; good = "good"; worse = abort "worse"; };
in
[ s.good (builtins.attrNames s) (s ? bad) (builtins.length (builtins.attrValues s)) ]
