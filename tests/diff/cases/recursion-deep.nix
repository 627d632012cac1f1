let
  sum = n: if n == 0 then 0 else n + sum (n - 1);
  sumAcc = acc: n: if n == 0 then acc else sumAcc (acc + n) (n - 1);
in
[ (sum 1000) (sumAcc 0 3000) (builtins.foldl' builtins.add 0 (builtins.genList (x: x) 100000)) ]
