# system.build.toplevel: the built system, one store path (nixpkgs'
# nixos/modules/system/activation/top-level.nix). Its out holds
#   etc                 -> system.build.etc's etc/ (environment.etc)
#   sw                  -> system.path (environment.systemPackages)
#   activate            the activation script, @out@ substituted
#   init                system.build.bootStage2, @systemConfig@ substituted,
#                       when a module defines it (system/boot/stage-2.nix)
#   systemd             the systemd package, when the package set has one
#   nixos-version, configuration-name, kernel-params, system
#   configuration.nix   with system.copySystemConfiguration
# Before any of it is built, failed assertions abort the evaluation and the
# warnings are printed, worded as NixOS's.
{ config, lib, pkgs, ... }:
with lib;
let
  cfg = config.system;

  failedAssertions = map (x: x.message) (filter (x: !x.assertion) config.assertions);

  bootStage2 = config.system.build.bootStage2 or null;

  systemBuilder = ''
    set -eu
    mkdir $out

    cp "$activationScriptPath" $out/activate
    sed -i "s|@out@|$out|g" $out/activate
    chmod 0555 $out/activate

    ${optionalString (bootStage2 != null) ''
      cp ${bootStage2} $out/init
      sed -i "s|@systemConfig@|$out|g" $out/init
      chmod 0555 $out/init
    ''}

    ln -s ${config.system.build.etc}/etc $out/etc
    ln -s ${config.system.path} $out/sw
    ${optionalString (config.systemd.package != null) "ln -s ${config.systemd.package} $out/systemd"}

    printf '%s' "$configurationName" > $out/configuration-name
    printf '%s' "$nixosLabel" > $out/nixos-version
    printf '%s' "$kernelParams" > $out/kernel-params
    printf '%s' "$hostSystem" > $out/system

    ${optionalString (cfg.copySystemConfiguration && cfg.configurationSource != null) ''
      cp ${cfg.configurationSource} $out/configuration.nix
    ''}

    ${cfg.systemBuilderCommands}
    ${cfg.extraSystemBuilderCmds}
  '';

  baseSystem = pkgs.runCommand "nixos-system-${cfg.name}-${cfg.nixos.label}" {
    preferLocalBuild = true;
    allowSubstitutes = false;
    activationScript = config.system.activationScripts.script;
    configurationName = config.boot.loader.grub.configurationName;
    nixosLabel = cfg.nixos.label;
    kernelParams = toString config.boot.kernelParams;
    hostSystem = config.nixpkgs.system;
    passAsFile = [ "activationScript" ];
  } systemBuilder;

  # Handle assertions and warnings (NixOS's wording).
  system =
    if failedAssertions != [ ]
    then throw "\nFailed assertions:\n${concatStringsSep "\n" (map (x: "- ${x}") failedAssertions)}"
    else showWarnings config.warnings baseSystem;
in
{
  options.system = {
    build.toplevel = mkOption {
      type = types.package;
      readOnly = true;
      description = "This option contains the store path that typically represents a NixOS system. You can read this path in a custom deployment tool for example.";
    };
    name = mkOption {
      type = types.str;
      default = if config.networking.hostName == "" then "unnamed" else config.networking.hostName;
      defaultText = literalExpression ''
        if config.networking.hostName == ""
        then "unnamed"
        else config.networking.hostName;
      '';
      description = "The name of the system used in the {option}`system.build.toplevel` derivation.";
    };
    systemBuilderCommands = mkOption {
      type = types.lines;
      internal = true;
      default = "";
      description = "This code will be added to the builder creating the system store path.";
    };
    extraSystemBuilderCmds = mkOption {
      type = types.lines;
      internal = true;
      default = "";
      description = "This code will be added to the builder creating the system store path.";
    };
    configurationSource = mkOption {
      type = types.nullOr types.path;
      internal = true;
      default = null;
      description = "The configuration file the system was evaluated from (set by eval-config.nix when it is given a path), copied into the toplevel with {option}`system.copySystemConfiguration`.";
    };
  };

  config.system.build.toplevel = system;
}
