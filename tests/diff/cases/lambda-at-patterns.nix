let
  f = args@{ a, ... }: args;
  g = { a, b ? 2 }@args: args;
  h = whole@{ x, y }: [ x y (builtins.attrNames whole) ];
  i = { a ? 1 }@all: all ? a;
  j = args@{ ... }: builtins.length (builtins.attrNames args);
in
[
  (f { a = 1; b = 2; })
  (g { a = 1; })
  (h { x = 1; y = 2; })
  (i { })
  (j { p = 1; q = 2; r = 3; })
]
