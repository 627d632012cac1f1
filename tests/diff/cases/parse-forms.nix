# flags: --parse
let f = x: if x then [ 1 "s" ] else null; in assert true; with { a = 1; }; f (!false) ++ [ (a.b.c or 7) ]
