let
  even = n: if n == 0 then true else odd (n - 1);
  odd = n: if n == 0 then false else even (n - 1);
  fact = n: if n <= 1 then 1 else n * fact (n - 1);
in
[ (even 10) (odd 7) (fact 10) (fact 20) ]
