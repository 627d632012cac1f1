# environment.systemPackages and environment.defaultPackages (nixpkgs'
# config/system-path.nix); system.path, their buildEnv, is config/system-path.nix.
{ config, lib, pkgs, ... }:
with lib;
{
  options.environment = {
    systemPackages = mkOption {
      type = types.listOf types.package;
      default = [ ];
      example = literalExpression "[ pkgs.firefox pkgs.thunderbird ]";
      description = "The set of packages that appear in /run/current-system/sw.";
    };
    defaultPackages = mkOption {
      type = types.listOf types.package;
      default = concatMap (n: optional (pkgs ? ${n}) pkgs.${n}) [ "perl" "rsync" "strace" ];
      defaultText = literalExpression "[ pkgs.perl pkgs.rsync pkgs.strace ]";
      description = "Set of default packages that aren't strictly necessary for a running system, entries can be removed for a more minimal NixOS installation.";
    };
  };
}
