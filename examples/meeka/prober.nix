# The second container of test.nix, which probes meeka from outside: the
# OpenSSH client and netcat of the package set (<bastion/pkgs>) on a small
# busybox system whose PID 1 after activation is an idle loop (the stage-2
# test hook boot.systemdExecutable: the prober runs no services, so it needs
# no systemd). The test key is its root's (/etc/ssh/meeka-test-key, 0600).
{ pkgs, ... }:
{ config, lib, ... }:
let
  bb = import ../../tests/os/pkgs.nix { };
  idle = bb.writeScript "prober-init" ''
    #!${bb.runtimeShell}
    export PATH=${bb.busybox}/bin
    trap 'poweroff -f' 37
    hostname ${config.networking.hostName}
    while :; do sleep 3600 & wait $!; done
  '';
in
{
  nixpkgs.pkgs = bb;
  boot.systemdExecutable = "${idle}";
  users.mutableUsers = false;
  environment.systemPackages = [ pkgs.openssh-client pkgs.netcat-openbsd ];
  environment.etc."ssh/meeka-test-key" = {
    source = ./test-keys/id_ed25519;
    mode = "0600";
  };
}
