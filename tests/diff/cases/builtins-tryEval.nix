with builtins;
[
  (tryEval 1)
  (tryEval (throw "boom"))
  (tryEval (assert false; 1))
  (tryEval { a = throw "inner not forced"; }).success
  (tryEval (tryEval (throw "nested")))
  (tryEval [ (throw "lazy element") ]).success
  (tryEval (deepSeq [ (throw "forced") ] 1))
  (tryEval "str")
  (tryEval (x: x)).success
  (tryEval (1 + throw "in arithmetic")).success
]
