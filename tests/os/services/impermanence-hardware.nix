# The guide's hardware-configuration.nix: btrfs subvolumes with
# compress=zstd and noatime, /persist and /var/log needed for boot.
{ ... }:
{
  fileSystems."/" = {
    device = "/dev/disk/by-uuid/2a3b6a10-0000-4000-8000-000000000001";
    fsType = "btrfs";
    options = [ "subvol=root" "compress=zstd" "noatime" ];
  };
  fileSystems."/home" = {
    device = "/dev/disk/by-uuid/2a3b6a10-0000-4000-8000-000000000001";
    fsType = "btrfs";
    options = [ "subvol=home" "compress=zstd" "noatime" ];
  };
  fileSystems."/nix" = {
    device = "/dev/disk/by-uuid/2a3b6a10-0000-4000-8000-000000000001";
    fsType = "btrfs";
    options = [ "subvol=nix" "compress=zstd" "noatime" ];
  };
  fileSystems."/persist" = {
    device = "/dev/disk/by-uuid/2a3b6a10-0000-4000-8000-000000000001";
    fsType = "btrfs";
    options = [ "subvol=persist" "compress=zstd" "noatime" ];
    neededForBoot = true;
  };
  fileSystems."/var/log" = {
    device = "/dev/disk/by-uuid/2a3b6a10-0000-4000-8000-000000000001";
    fsType = "btrfs";
    options = [ "subvol=log" "compress=zstd" "noatime" ];
    neededForBoot = true;
  };
  fileSystems."/boot" = {
    device = "/dev/disk/by-uuid/1234-ABCD";
    fsType = "vfat";
  };
  swapDevices = [ { device = "/dev/disk/by-uuid/2a3b6a10-0000-4000-8000-000000000002"; } ];
}
