# The statically allocated ids, as nixpkgs' nixos/modules/misc/ids.nix
# (the subset the base modules use; the numbers are NixOS's).
{ lib, ... }:
{
  options.ids = {
    uids = lib.mkOption {
      internal = true;
      type = lib.types.attrsOf lib.types.int;
      description = "The user IDs used in NixOS.";
    };
    gids = lib.mkOption {
      internal = true;
      type = lib.types.attrsOf lib.types.int;
      description = "The group IDs used in NixOS.";
    };
  };
  config.ids.uids = {
    root = 0;
    nixbld = 30000; # the first of the build users
    nobody = 65534;
  };
  config.ids.gids = {
    root = 0;
    wheel = 1;
    kmem = 2;
    tty = 3;
    messagebus = 4;
    disk = 6;
    audio = 17;
    floppy = 18;
    uucp = 19;
    lp = 20;
    cdrom = 24;
    tape = 25;
    video = 26;
    dialout = 27;
    utmp = 29;
    adm = 55;
    systemd-journal = 62;
    keys = 96;
    users = 100;
    docker = 131;
    input = 174;
    kvm = 302;
    render = 303;
    sgx = 304;
    shadow = 318;
    nixbld = 30000;
    nogroup = 65534;
  };
}
