let
  f = { a, b }: a + b;
  g = { a, b ? 10 }: a + b;
  h = { a, ... }: a;
  i = { }: "empty pattern";
  j = { a ? 1, b ? a + 1 }: [ a b ];
  k = { a, b ? a * 2, c ? b * 2 }: [ a b c ];
in
[
  (f { a = 1; b = 2; })
  (g { a = 1; })
  (g { a = 1; b = 2; })
  (h { a = "x"; extra = 1; })
  (i { })
  (j { })
  (j { a = 5; })
  (k { a = 1; })
  (k { a = 1; c = 0; })
]
