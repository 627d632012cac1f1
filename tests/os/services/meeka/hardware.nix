# The tmpfs root and the volumes of the post's install steps.
{ ... }:

{
  fileSystems."/" = {
    device = "none";
    fsType = "tmpfs";
    options = [ "defaults" "size=2G" "mode=755" ];
  };
  fileSystems."/boot" = {
    device = "/dev/disk/by-label/boot";
    fsType = "ext4";
  };
  fileSystems."/nix" = {
    device = "/dev/disk/by-label/nix";
    fsType = "ext4";
    neededForBoot = true;
  };
  fileSystems."/nix/persist" = {
    device = "/nix/persist";
    fsType = "none";
    options = [ "bind" ];
    neededForBoot = true;
  };
}
