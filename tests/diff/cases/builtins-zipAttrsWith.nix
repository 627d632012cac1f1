with builtins;
[
  (zipAttrsWith (name: values: { inherit name values; }) [ { a = 1; b = 2; } { a = 3; } { c = 4; b = 5; } ])
  (zipAttrsWith (n: v: v) [ ])
  (zipAttrsWith (n: v: length v) [ { x = 1; } { x = 2; } { y = 3; } ])
]
