with builtins;
[
  (toString 1) (toString (-5)) (toString 1.5) (toString 0.1) (toString 100.0) (toString 1.0e20) (toString true)
  (toString false) (toString null) (toString "s") (toString [ 1 2 [ 3 "x" ] null true false ]) (toString [ ])
  (toString ./data/hello.txt) (toString { __toString = self: "custom ${self.v}"; v = "val"; })
  (toString { outPath = "out"; }) (toString [ [ ] [ ] ]) (toString [ null ]) (toString http://x.org)
]
