with builtins;
[ (catAttrs "a" [ { a = 1; } { b = 0; } { a = 2; } ]) (catAttrs "x" [ ]) (catAttrs "z" [ { a = 1; } ]) ]
