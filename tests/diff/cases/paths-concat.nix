[
  (./data + "/hello.txt")
  (./data + "x")
  (./data + "/sub/../hello.txt")
  (/. + "abs")
  (builtins.typeOf (./data + "/x"))
  (toString ./data)
  (toString (./data + "/hello.txt"))
  ("x" + toString ./data)
  (builtins.isPath ./.)
  (builtins.baseNameOf ./data/hello.txt)
  (builtins.dirOf ./data/hello.txt)
]
