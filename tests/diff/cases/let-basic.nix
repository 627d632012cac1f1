let
  a = 1;
  b = a + 1;
  c = let a = 100; in a + b;
  d = let inner = b * 3; in inner;
in
[ a b c d (let x = 1; in let x = 2; in x) ]
