with builtins;
[ (length (genList (x: throw "lazy") 3)) (elemAt (genList (x: x * x) 10) 9) ]
