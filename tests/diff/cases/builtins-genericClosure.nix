builtins.genericClosure {
  startSet = [ { key = 1; } { key = 10; } ];
  operator = item:
    if item.key >= 20 then [ ]
    else [ { key = item.key * 2; } { key = item.key + 3; extra = "x"; } ];
}
