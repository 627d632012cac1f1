rec {
  a = 1;
  b = a + 1;
  c = d * 2;
  d = b + 10;
  nested = { e = a; f = c; };
  list = [ a b ];
  fn = x: x + a;
  call = fn 5;
  self = { inherit a b; };
}
