let
  id = x: x;
  const = x: y: x;
  compose = f: g: x: f (g x);
  add = a: b: a + b;
in
[ (id 5) (const 1 2) (compose (x: x * 2) (x: x + 1) 5) (add 1 2) ((x: x) "inline") (((a: b: a - b) 10) 3) ]
