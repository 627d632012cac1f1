# system.stateVersion and system.copySystemConfiguration (nixpkgs'
# misc/version.nix and system/activation/top-level.nix).
{ config, lib, ... }:
with lib;
{
  options.system = {
    stateVersion = mkOption {
      type = types.str;
      default = "25.11";
      description = ''
        This option defines the first version of NixOS you have installed on this particular machine,
        and is used to maintain compatibility with application data (e.g. databases) created on older NixOS versions.
      '';
    };
    nixos.label = mkOption {
      type = types.strMatching "[a-zA-Z0-9:_\\.-]*";
      default = "bastion";
      description = "The label of the generation, part of the toplevel's name.";
    };
    copySystemConfiguration = mkOption {
      type = types.bool;
      default = false;
      description = ''
        If enabled, copies the NixOS configuration file
        (usually {file}`/etc/nixos/configuration.nix`)
        and links it from the resulting system
        (getting to {file}`/run/current-system/configuration.nix`).
        Note that only this single file is copied, even if it imports others.
      '';
    };
  };
}
