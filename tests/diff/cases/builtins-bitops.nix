with builtins;
[ (bitAnd 12 10) (bitOr 12 10) (bitXor 12 10) (bitAnd (-1) 255) (bitOr 0 0) (bitXor (-1) 0) (bitAnd 9223372036854775807 (-1)) (bitXor 5 5) ]
