with builtins;
[ (length [ 1 2 3 ]) (head [ "first" ]) (toString 7) (typeOf { }) ]
