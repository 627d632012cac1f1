with builtins;
[ (concatMap (x: [ x x ]) [ 1 2 3 ]) (concatMap (x: [ ]) [ 1 2 ]) (concatMap (x: x) [ [ 1 ] [ 2 3 ] [ ] ]) ]
