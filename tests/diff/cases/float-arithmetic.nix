[
  (0.5 + 0.25) (1.5 * 4) (1 / 4.0) (3 - 0.5) (builtins.add 1 0.5) (builtins.mul 2.5 2)
  (builtins.div 1.0 8) (builtins.sub 0.5 2) (1.0e10 * 1.0e10) (1.0e-10 / 1.0e10) (2.0 * 2.0 * 2.0)
  (builtins.typeOf (1 + 1.0)) (builtins.typeOf (2 * 2))
]
