# nolive: Nix 2.8 quotes only "if" when printing attribute names; upstream quotes every keyword
{
  "if" = 1;
  "then" = 2;
  "let" = 3;
  "rec" = 4;
  "with" = 5;
  "inherit" = 6;
  "assert" = 7;
  "in" = 8;
  "else" = 9;
  true = "true is an identifier";
  null = "so is null";
}
