with builtins;
[
  (seq 1 2)
  (seq { a = throw "shallow"; } "seq is shallow")
  (seq [ (throw "shallow") ] "lists too")
  (deepSeq [ 1 { a = 2; } ] "deep ok")
  (tryEval (deepSeq [ 1 { a = throw "deep"; } ] "no")).success
  (tryEval (seq (throw "forced") 1)).success
]
