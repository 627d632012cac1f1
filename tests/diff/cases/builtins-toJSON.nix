with builtins;
[
  (toJSON { a = 1; b = "two"; c = [ true false null ]; d = { e = 1.5; }; })
  (toJSON [ ]) (toJSON { }) (toJSON "str\n\t\"\\") (toJSON 42) (toJSON (-3)) (toJSON 0.25) (toJSON null)
  (toJSON { __toString = self: "via toString"; })
  (toJSON { outPath = "an/out/path"; ignored = 1; })
  (toJSON [ "é" "\r" ])
  (toJSON { z = 1; a = 2; m = 3; })
]
