[ (builtins.readFile ./data/hello.txt) (builtins.readFile ./data/dir/sub/c.txt) (builtins.stringLength (builtins.readFile ./data/hello.txt)) ]
