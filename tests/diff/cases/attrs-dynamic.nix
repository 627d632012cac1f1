let
  k = "key";
  set = {
    ${k} = 1;
    "${k}2" = 2;
    ${"a" + "b"} = 3;
    ${null} = "dropped";
    "static" = 4;
    x.${k} = 5;
    ${"y"}.z = 6;
  };
in
{
  inherit set;
  s1 = set.${k};
  s2 = set."${k}2";
  s3 = set.x.${"key"};
  s4 = set ? ${k};
  s5 = set ? ${"nope"};
  s6 = { }.${"missing"} or "default";
}
