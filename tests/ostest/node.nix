# A node of the os.test.* fixtures with the busybox package set
# (tests/os/pkgs.nix): after its activation, PID 1 is the test hook
# (boot.systemdExecutable), a script that serves "served by <hostname>" on
# port 80 (busybox httpd) and stays up until SIGRTMIN+3 (37: glibc's
# SIGRTMIN is 34), the signal nspawn and `shutdown()` stop a container with.
# Until pkgs.systemd boots these stand in for systemd: no units, so the
# fixtures probe ports and files, not wait_for_unit.
{ serve ? true }:
{ config, lib, ... }:
let
  pkgs = import ../os/pkgs.nix { };
  init = pkgs.writeScript "ostest-init" ''
    #!${pkgs.runtimeShell}
    export PATH=${pkgs.busybox}/bin
    trap 'echo "ostest-init: halting"; poweroff -f' 37
    hostname ${config.networking.hostName}
    ${lib.optionalString serve ''
      mkdir -p /run/www
      echo "served by $(hostname) at ${config.networking.primaryIPAddress}" > /run/www/index.html
      httpd -p 80 -h /run/www
    ''}
    echo "ostest-init: up"
    while :; do sleep 3600 & wait $!; done
  '';
in
{
  nixpkgs.pkgs = pkgs;
  boot.systemdExecutable = "${init}";
  users.mutableUsers = false;
}
