with builtins;
[ (ceil 1.5) (floor 1.5) (ceil (-1.5)) (floor (-1.5)) (ceil 2.0) (floor 2.0) (ceil 0.000001) (floor (-0.000001)) (ceil 3) (floor 4) (typeOf (ceil 1.2)) ]
