# A seed configuration of tests/os/services/ (the talk's host, meeka, the
# impermanence server) as a user builds it: the default package set
# (<bastion/pkgs>, Debian's systemd, OpenSSH, nftables, sudo, audit), no
# test hook; boot.py boots it into systemd. What the pinned Debian suite
# does not have is switched off here, and said so:
#   tailscale (meeka): not in Debian bookworm.
# and what the seeds' disks hold is made: meeka's website's /srv/www.
{ seed }:
let
  lib = import ../../nix/lib;
  notInDebian = { config, ... }: {
    services.tailscale.enable = lib.mkForce false;
    systemd.tmpfiles.rules = lib.optional (config.systemd.services ? website) "d /srv/www 0755 root root -";
  };
in
(import ../../nix/os/eval-config.nix { configuration = [ seed notInDebian ]; }).config.system.build.toplevel
