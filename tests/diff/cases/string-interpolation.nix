let
  name = "world";
  n = 42;
  nested = "in ${"side ${"deep"}"} out";
in
[
  "hello ${name}"
  "${name}${name}"
  "n=${toString n}"
  nested
  "${"a" + "b"}c"
  "pre${""}post"
  "${builtins.concatStringsSep "," [ "x" "y" ]}"
  "multi
line ${name}
  string"
]
