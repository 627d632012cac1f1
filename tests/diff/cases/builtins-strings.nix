with builtins;
[
  (stringLength "hello") (stringLength "") (stringLength "é")
  (substring 1 3 "hello") (substring 0 100 "hi") (substring 5 2 "hi") (substring 1 (-1) "hello") (substring 0 0 "x")
  (concatStringsSep ", " [ "a" "b" "c" ]) (concatStringsSep "-" [ ]) (concatStringsSep "" [ "x" ])
  (baseNameOf "/a/b/c.txt") (baseNameOf "a/") (baseNameOf "") (dirOf "/a/b/c") (dirOf "a") (dirOf "/") (dirOf "a/b/")
]
