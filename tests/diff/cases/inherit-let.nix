let
  src = { p = 1; q = 2; };
  inherit (src) p q;
  inherit (builtins) length head;
in
[ p q (length [ 1 2 3 ]) (head [ "h" ]) ]
