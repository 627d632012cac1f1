let
  s = { a = { b = { c = 1; }; }; n = null; };
in
[
  s.a.b.c
  (s.a.x or "fallback")
  (s.a.b.x.y.z or 7)
  (s.n.foo or "null has no attrs")
  (s.a.b or 0)
  ({ a = 1; } ? a)
  (s ? a.b.c)
  (s ? a.b.d)
  (s ? n.x)
  (5 ? x)
]
