# nolive: builtins.readFileType is newer than Nix 2.8 (added in 2.14); expected output written by hand
with builtins;
[ (readFileType ./data/hello.txt) (readFileType ./data/dir) (readFileType ./data/dir/link) (readFileType ./data/dir/sub/c.txt) ]
