with builtins;
[ (hashFile "md5" ./data/hello.txt) (hashFile "sha1" ./data/hello.txt) (hashFile "sha256" ./data/hello.txt) (hashFile "sha512" ./data/hello.txt) ]
