let
  unused = throw "never";
  alsoUnused = abort "never either";
  used = 42;
in
used
