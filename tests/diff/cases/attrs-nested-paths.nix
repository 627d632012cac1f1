{
  a.b.c = 1;
  a.b.d = 2;
  a.e = 3;
  x = { y = 1; };
  x.z = 2;
  "q r".s = 4;
  deep.er.and.deeper = "bottom";
}
