{
  a = 1;
  b = "two";
  c = { d = 3; };
  "quoted name" = 4;
  "" = "empty name";
  "with.dot" = 5;
  z = null;
  A = "upper sorts first";
  _u = "underscore";
  a1 = "a1";
  a-b = "dash";
  a'b = "prime";
}
