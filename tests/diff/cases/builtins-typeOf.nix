with builtins;
[
  (typeOf 1) (typeOf 1.0) (typeOf "s") (typeOf ''s'') (typeOf true) (typeOf null) (typeOf [ ]) (typeOf { })
  (typeOf (x: x)) (typeOf map) (typeOf (map (x: x))) (typeOf ./.) (typeOf <nx>) (typeOf http://x.org)
]
