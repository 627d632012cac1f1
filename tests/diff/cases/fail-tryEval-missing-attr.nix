# tryEval only catches throw and assert
(builtins.tryEval { }.missing).success
