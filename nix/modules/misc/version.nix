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
    nixos.release = mkOption {
      readOnly = true;
      type = types.str;
      default = "25.11";
      description = "The NixOS release (e.g. `25.11`) whose options this system follows.";
    };
    nixos.versionSuffix = mkOption {
      internal = true;
      type = types.str;
      default = ".bastion";
      description = "The NixOS version suffix (here: which implementation built it).";
    };
    nixos.version = mkOption {
      internal = true;
      type = types.str;
      default = config.system.nixos.release + config.system.nixos.versionSuffix;
      description = "The full NixOS version (e.g. `25.11.bastion`).";
    };
    nixos.tags = mkOption {
      type = types.listOf types.str;
      default = [ ];
      example = [ "with-xen" ];
      description = "Strings to prefix to the default {option}`system.nixos.label`.";
    };
    nixos.label = mkOption {
      type = types.strMatching "[a-zA-Z0-9:_\\.-]*";
      default = concatStringsSep "-" ((sort (x: y: x < y) config.system.nixos.tags) ++ [ config.system.nixos.version ]);
      defaultText = literalExpression "config.system.nixos.version";
      description = "NixOS version name to be used in the names of generated outputs and boot labels.";
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
