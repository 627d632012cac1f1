let
  x = "let wins";
  outer = { y = "outer y"; z = "outer z"; };
  inner = { y = "inner y"; x = "with x"; };
in
{
  letOverWith = with inner; x;
  innerWith = with outer; with inner; y;
  fallThrough = with outer; with inner; z;
  argOverWith = (x: with { x = "with"; }; x) "arg wins";
  recOverWith = with { v = "with"; }; rec { v = "rec wins"; w = v; };
  lazyWith = with (throw "not forced"); 42;
  builtinsLookup = with { }; builtins.length [ 1 ];
}
