# systemd.package's own units on a booted system (nixpkgs'
# nixos/modules/system/boot/systemd.nix puts them in /etc/systemd/system;
# here the package is in the system's /usr, where Debian's systemd looks:
# /usr/lib/systemd/system, its generators and programs). The units NixOS
# leaves out are masked in /etc/systemd/system.
{ config, lib, pkgs, ... }:
with lib;
let
  cfg = config.systemd;
  masked = names: listToAttrs (map (n: nameValuePair n { text = ""; enable = false; }) names);
in
{
  config = mkIf (cfg.package != null) {
    environment.systemPackages = [ cfg.package ];

    systemd.units = masked [
      # It would ask on the console for what the configuration says
      # (locale, time zone, root password); NixOS does not ship it.
      "systemd-firstboot.service"
    ];
  };
}
