# flags: --xml --no-location
{
  int = 1;
  str = "a<b>&\"c\"";
  list = [ true false null 2.5 [ ] { } ];
  fn = { a, b ? 2, ... }: a;
  fnAt = args@{ x }: x;
  simple = x: x;
  path = /some/path;
  nested = { deeper = { deepest = "d"; }; };
}
