{
  subLeft = 10 - 3 - 2;
  divLeft = 100 / 10 / 5;
  implRight = false -> false -> false;
  concatRight = [ 1 ] ++ [ 2 ] ++ [ 3 ];
  updateRight = { a = 1; } // { a = 2; } // { a = 3; };
  andChain = true && true && false;
  orChain = false || false || true;
  mixed = 2 * 3 - 4 / 2 + 1;
  unaryChain = - - 3;
  notChain = ! ! ! true;
}
