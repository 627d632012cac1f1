# Which values nix-instantiate instantiates: sets are searched one level
# (attribute names in order), deeper only with recurseForDerivations.
let
  d = name: derivation { inherit name; system = "x86_64-linux"; builder = "/bin/sh"; };
in
{
  zeta = d "zeta";
  alpha = d "alpha";
  same = d "alpha";
  notADrv = 42;
  "not valid" = d "skipped-name";
  hidden = { inner = d "hidden"; };
  shown = { recurseForDerivations = true; inner = d "shown"; deeper = { recurseForDerivations = true; x = d "deeper"; }; };
  fn = { x ? "fn" }: d x;
}
