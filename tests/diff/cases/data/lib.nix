{
  name = "lib";
  double = x: x * 2;
}
