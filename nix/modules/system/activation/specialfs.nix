# The `specialfs` activation snippet and boot.specialFileSystems (nixpkgs'
# tasks/filesystems.nix and system/boot/early-mount): the virtual file
# systems, each mounted where it is missing. In a container (nspawn) /proc,
# /sys, /dev and /run are already there and are left as they are; the
# wrappers' /run/wrappers is a tmpfs of its own WITHOUT nosuid (the /run
# nspawn makes is nosuid), so the set-id copies there work.
{ config, lib, ... }:
with lib;
let
  fsOpts = { name, ... }: {
    options = {
      mountPoint = mkOption { type = types.str; default = name; description = "Location of the mounted file system."; };
      device = mkOption { type = types.str; description = "Location of the device."; };
      fsType = mkOption { type = types.str; description = "Type of the file system."; };
      options = mkOption { type = types.listOf types.str; default = [ "defaults" ]; description = "Options used to mount the file system."; };
    };
  };
  sorted = sort (a: b: a.mountPoint < b.mountPoint) (attrValues config.boot.specialFileSystems);
in
{
  options.boot.specialFileSystems = mkOption {
    type = types.attrsOf (types.submodule fsOpts);
    default = { };
    internal = true;
    description = "Special filesystems that are mounted very early during boot.";
  };

  config = {
    boot.specialFileSystems = {
      "/proc" = { fsType = "proc"; device = "proc"; options = [ "nosuid" "noexec" "nodev" ]; };
      "/sys" = { fsType = "sysfs"; device = "sysfs"; options = [ "nosuid" "noexec" "nodev" ]; };
      "/dev" = { fsType = "devtmpfs"; device = "devtmpfs"; options = [ "nosuid" "strictatime" "mode=755" ]; };
      "/dev/shm" = { fsType = "tmpfs"; device = "tmpfs"; options = [ "nosuid" "nodev" "strictatime" "mode=1777" ]; };
      "/dev/pts" = { fsType = "devpts"; device = "devpts"; options = [ "nosuid" "noexec" "mode=620" "ptmxmode=0666" "gid=${toString config.ids.gids.tty}" ]; };
      "/run" = { fsType = "tmpfs"; device = "tmpfs"; options = [ "nosuid" "nodev" "strictatime" "mode=755" ]; };
      "/run/keys" = { fsType = "ramfs"; device = "ramfs"; options = [ "nosuid" "nodev" "mode=750" ]; };
      "/run/wrappers" = { fsType = "tmpfs"; device = "tmpfs"; options = [ "nodev" "mode=755" "size=50%" ]; };
    };

    system.build.earlyMountScript = ''
      isMounted() { [ -r /proc/mounts ] && awk -v m="$1" '$2 == m { f = 1 } END { exit !f }' /proc/mounts; }
      specialMount() {
        device="$1"; mountPoint="$2"; options="$3"; fsType="$4"
        if isMounted "$mountPoint"; then return 0; fi
        mkdir -p "$mountPoint"
        chmod 0755 "$mountPoint"
        mount -t "$fsType" -o "$options" "$device" "$mountPoint"
      }
      ${concatMapStrings (fs: ''
        specialMount ${escapeShellArgs [ fs.device fs.mountPoint (concatStringsSep "," fs.options) fs.fsType ]} || echo "warning: cannot mount ${fs.mountPoint}" >&2
      '') sorted}
    '';

    system.activationScripts.specialfs = config.system.build.earlyMountScript;
  };
}
