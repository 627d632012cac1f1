builtins.flakeRefToString {
  type = "gÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿ";
  repo = "nixpkgs";
  ref = "23.05";
  dir = "lib";
}
