builtins.genericClosure {
  startSet = [ { key = "a"; deps = [ "b" "c" ]; } ];
  operator = item: map (d: { key = d; deps = if d == "b" then [ "c" "d" ] else [ ]; }) item.deps;
}
