# The toplevel tests/os14/activation.py switches roots to: system.nix
# evaluated by nix/os/eval-config.nix with the hermetic busybox package set
# of the system tests (tests/os/pkgs.nix), built by the modules' own
# top-level.nix. `hostSsh` (host-programs.nix's arguments) gives sshd the
# machine's ssh-keygen; `rootKey` is root's authorized key.
{ gen ? "1", tmpfsRoot ? false, hostSsh ? null, rootKey ? null }:
let
  pkgs = import ../os/pkgs.nix { };
  ssh = if hostSsh == null then null else import ./host-programs.nix (hostSsh // { inherit pkgs; });
  eval = import ../../nix/os/eval-config.nix {
    inherit pkgs;
    configuration = import ./system.nix { inherit pkgs gen tmpfsRoot ssh rootKey; };
  };
in
eval.config.system.build.toplevel
