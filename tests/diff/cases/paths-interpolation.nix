let
  f = "hello";
in
[
  ./data/${f}.txt
  ./${"data"}/dir
  (builtins.pathExists ./data/${f}.txt)
  (builtins.typeOf ./data/${f}.txt)
]
