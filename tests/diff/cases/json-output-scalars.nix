# flags: --json
[ "str" 0 (-1) false (1 + 1) "é" ]
