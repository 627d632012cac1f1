with builtins;
[ (partition (x: x > 2) [ 1 2 3 4 5 ]) (partition (x: true) [ ]) (partition (x: x == "a") [ "a" "b" "a" ]) ]
