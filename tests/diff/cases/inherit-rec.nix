let
  x = "outer";
in
rec {
  inherit x;
  y = x + "!";
}
