[ (./a < ./b) (./a/b > ./a) (/a == /a) (/b/../a == /a) (./data == ./data/.) (builtins.lessThan /x /y) ]
