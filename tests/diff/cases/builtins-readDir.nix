[ (builtins.readDir ./data/dir) (builtins.readDir ./data/dir/sub) (builtins.attrNames (builtins.readDir ./data/np2)) ]
