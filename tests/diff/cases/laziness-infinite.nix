let
  nats = n: [ n ] ++ (if n > 5 then [ ] else nats (n + 1));
  ones = { head = 1; tail = ones; };
  fix = f: let x = f x; in x;
  lazyRec = fix (self: { a = 1; b = self.a + 1; });
in
[ (nats 0) ones.tail.tail.tail.head lazyRec ]
