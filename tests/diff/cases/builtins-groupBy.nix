with builtins;
[
  (groupBy (x: if x > 2 then "big" else "small") [ 1 2 3 4 1 ])
  (groupBy (s: substring 0 1 s) [ "apple" "avocado" "banana" "cherry" "blueberry" ])
  (groupBy (x: x) [ ])
]
