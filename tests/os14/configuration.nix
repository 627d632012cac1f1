# The configuration `bastion os switch -c` / `os run -c` build in
# tests/os14/activation.py (--only config): system.nix as a configuration.nix
# a user writes, with the test package set as nixpkgs.pkgs.
let pkgs = import ../os/pkgs.nix { };
in
{
  imports = [ (import ./system.nix { inherit pkgs; gen = "c"; }) ];
  nixpkgs.pkgs = pkgs;
}
