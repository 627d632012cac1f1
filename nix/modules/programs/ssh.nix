# programs.ssh: the OpenSSH package the ssh client and daemon come from
# (nixpkgs' nixos/modules/programs/ssh.nix; only what sshd.nix reads).
{ config, lib, pkgs, ... }:
with lib;
{
  options.programs.ssh = {
    package = mkPackageOption pkgs "openssh" { };
    setXAuthLocation = mkOption {
      type = types.bool;
      default = false;
      description = ''
        Whether to set the path to {command}`xauth` for X11-forwarded connections.
        This causes a dependency on xauth.
      '';
    };
  };
}
