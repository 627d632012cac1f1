# The toplevel of an evaluated test system, made here until the module
# system's own (nix/modules/system/top-level.nix, another branch) lands:
# etc/, sw/, activate (the activation snippets in order, then
# /run/current-system), init (system.build.bootStage2), usr/ (busybox's
# applets, so the root's /bin/sh works), nixos-version, kernel-params.
# Test data: when config.system.build.toplevel exists it is used instead.
{ eval, pkgs, gen ? "1" }:
let
  config = eval.config;
  lib = pkgs.lib;
  activate = pkgs.writeScript "activate" ''
    #!${pkgs.runtimeShell}
    systemConfig="''${1:-$(cd "$(dirname "$0")" && pwd -P)}"
    export PATH=${pkgs.busybox}/bin
    umask 0022
    ${config.system.activationScripts.script}
    ln -sfn "$systemConfig" /run/current-system
  '';
  sw = pkgs.buildEnv { name = "system-path"; paths = config.environment.systemPackages; pathsToLink = [ "/bin" "/sbin" "/share" ]; };
in
config.system.build.toplevel or (pkgs.runCommand "bastion-system-test-${gen}" { } ''
  mkdir -p $out/usr
  ln -s ${config.system.build.etc}/etc $out/etc
  ln -s ${sw} $out/sw
  ln -s ${activate} $out/activate
  ln -s ${config.system.build.bootStage2} $out/init
  ln -s ${pkgs.busybox}/bin $out/usr/bin
  ln -s ${pkgs.busybox}/bin $out/usr/sbin
  echo "0.1-os14-${gen}" > $out/nixos-version
  printf '%s' ${lib.escapeShellArg (lib.concatStringsSep " " config.boot.kernelParams)} > $out/kernel-params
'')
