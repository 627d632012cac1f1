let
  a-b = 1;
  a_b = 2;
  a'b = 3;
  _x = 4;
  x1 = 5;
  camelCase = 6;
  f' = 7;
in
[ a-b a_b a'b _x x1 camelCase f' (a-b - a_b) ]
