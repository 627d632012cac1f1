let
  f = { a ? throw "never evaluated", b }: b;
  g = { a ? b, b ? 3 }: a;
in
[ (f { b = 1; }) (g { }) (g { b = 4; }) ]
