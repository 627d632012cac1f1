let
  s = { a = 1; f = x: x * 2; };
  id = x: x;
in
{
  mulOverAdd = 1 + 2 * 3;
  divOverSub = 10 - 6 / 2;
  negOverMul = -2 * 3;
  negApp = -(id 2);
  appOverMul = id 2 * 3;
  selectOverApp = s.f 4;
  notOverAnd = !false && false;
  andOverOr = true || false && false;
  orOverImpl = false || true -> false;
  cmpOverEq = 1 < 2 == true;
  eqOverAnd = 1 == 1 && 2 == 2;
  updateOverCmp = ({ a = 1; } // { b = 2; }) == { a = 1; b = 2; };
  concatOverMul = builtins.length ([ 1 ] ++ [ 2 ]) * 3;
  hasOverConcat = [ (s ? a) ] ++ [ (s ? z) ];
  notOverEq = !true == false;
  plusOverUpdate = { a = 1 + 1; } // { b = 2 * 2; };
  notOverUpdate = (!false) == true;
  concatStrings = "a" + "b" + "c";
  sumList = [ (1 + 2) ];
}
