# The toplevel tests/os14/activation.py switches roots to: system.nix
# evaluated by nix/os/eval-config.nix with the test package set (pkgs.nix).
# The service modules (sshd, firewall, sudo, audit, docker, tailscale, …)
# are left out of the base modules: they need packages (openssh, nftables,
# sudo, …) the busybox package set does not have, and this system uses
# none of them.
{ busybox ? "/bin/busybox", gen ? "1", tmpfsRoot ? false }:
let
  pkgs = import ./pkgs.nix { inherit busybox; };
  unused = [ "/services/" "/virtualisation/docker.nix" "/security/auditd.nix" "/security/audit.nix" "/security/sudo.nix" ];
  baseModules = builtins.filter
    (m: !(builtins.any (u: builtins.match ".*${u}.*" (toString m) != null) unused))
    (import ../../nix/modules/module-list.nix);
  eval = import ../../nix/os/eval-config.nix {
    inherit pkgs baseModules;
    configuration = import ./system.nix { inherit pkgs gen; tmpfsRoot = tmpfsRoot; };
  };
in
import ./toplevel.nix { inherit eval pkgs gen; }
