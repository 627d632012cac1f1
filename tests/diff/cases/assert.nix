let
  checked = x: assert x > 0; x * 2;
in
[ (assert true; "ok") (checked 4) (assert 1 == 1; assert "a" < "b"; "both") ]
