# The toplevel tests/os14/activation.py switches roots to: system.nix
# evaluated by nix/os/eval-config.nix with the hermetic busybox package set
# of the system tests (tests/os/pkgs.nix), built by the modules' own
# top-level.nix.
{ gen ? "1", tmpfsRoot ? false }:
let
  pkgs = import ../os/pkgs.nix { };
  eval = import ../../nix/os/eval-config.nix {
    inherit pkgs;
    configuration = import ./system.nix { inherit pkgs gen tmpfsRoot; };
  };
in
eval.config.system.build.toplevel
