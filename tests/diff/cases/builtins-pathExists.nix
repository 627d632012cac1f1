with builtins;
[
  (pathExists ./data/hello.txt) (pathExists ./data/nope) (pathExists ./data) (pathExists ./data/dir/link)
  (pathExists (toString ./data + "/hello.txt")) (pathExists "/") (pathExists ./data/dir/sub)
  (pathExists (./data + "/missing/deeper"))
]
