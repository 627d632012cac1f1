let {
  x = 1;
  y = x + 2;
  body = { inherit x y; sum = x + y; };
}
