builtins.toXML {
  int = 1;
  str = "s<&>\"'";
  bool = false;
  null = null;
  list = [ 1 "a" ];
  float = 1.5;
  attrs = { x = { }; };
  fn = { a, b ? 1, ... }: a;
  fn2 = x: x;
  path = /some/path;
}
