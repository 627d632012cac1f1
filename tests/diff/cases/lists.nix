[
  [ ]
  [ 1 ]
  [ 1 "two" [ 3 ] { four = 4; } null true false ]
  [ (1 + 2) (builtins.length [ 1 2 ]) ]
  [ [ [ [ ] ] ] ]
  ([ 1 2 ] ++ [ 3 ] ++ [ ] ++ [ [ 4 ] ])
  [ (x: x) builtins.map ]
  [ 1 (-1) ]
]
