let
  classify = n: if n < 0 then "negative" else if n == 0 then "zero" else "positive";
in
[ (classify (-3)) (classify 0) (classify 9) (if true then 1 else throw "lazy") (if false then throw "lazy" else 2) ]
