let
  x = 1;
  y = "why";
  src = { a = 10; b = 20; c = 30; inner = { d = 40; }; };
in
{
  inherit x y;
  inherit (src) a b;
  inherit (src.inner) d;
  inherit ({ e = 50; }) e;
  z = 3;
}
