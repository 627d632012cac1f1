# flags: --xml
{
  int = 1;
  str = "a<b>&\"c\"";
  list = [ true null 2.5 ];
  fn = { a, b ? 2, ... }: a;
  simple = x: x;
}
