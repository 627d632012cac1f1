# flags: --parse
a: b: c: d: [ (a == b) (a != b) (a < b) (a <= b) (a > b) (a >= b) (a && b || c -> d) (a // b) ("x" + b) (a ++ b) (a.b or c) ]
