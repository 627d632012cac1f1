# fileSystems and /etc/fstab (nixpkgs' nixos/modules/tasks/filesystems.nix):
# mount points sorted parent first, devices and mount points escaped as fstab(5)
# wants, fsck pass 0 where NixOS skips the check.
{ config, lib, pkgs, utils, ... }:
with lib;
let
  fileSystemOpts = { name, config, ... }: {
    options = {
      mountPoint = mkOption {
        example = "/mnt/usb";
        type = types.nonEmptyStr;
        description = "Location of the mounted file system.";
      };
      device = mkOption {
        default = null;
        example = "/dev/sda";
        type = types.nullOr types.nonEmptyStr;
        description = "Location of the device.";
      };
      fsType = mkOption {
        default = "auto";
        example = "ext3";
        type = types.nonEmptyStr;
        description = "Type of the file system.";
      };
      options = mkOption {
        default = [ "defaults" ];
        example = [ "data=journal" ];
        description = "Options used to mount the file system.";
        type = types.nonEmptyListOf types.nonEmptyStr;
      };
      label = mkOption {
        default = null;
        example = "root-partition";
        type = types.nullOr types.nonEmptyStr;
        description = "Label of the device (if any).";
      };
      depends = mkOption {
        default = [ ];
        example = [ "/persist" ];
        type = types.listOf types.nonEmptyStr;
        description = "List of paths that should be mounted before this one.";
      };
      noCheck = mkOption {
        default = false;
        type = types.bool;
        description = "Disable running fsck on this filesystem.";
      };
      neededForBoot = mkOption {
        default = false;
        type = types.bool;
        description = ''
          If set, this file system will be mounted in the initial ramdisk.
          Note that the file system will always be mounted in the initial
          ramdisk if its mount point is one of the following:
          ${concatStringsSep ", " (map (p: "{file}`${p}`") utils.pathsNeededForBoot)}.
        '';
      };
      autoFormat = mkOption {
        default = false;
        type = types.bool;
        description = "If the device does not currently contain a filesystem (as determined by {command}`blkid`), then automatically format it with the filesystem type specified in {option}`fsType`.";
      };
      autoResize = mkOption {
        default = false;
        type = types.bool;
        description = "If set, the filesystem is grown to its maximum size before being mounted.";
      };
    };
    config = {
      mountPoint = mkDefault name;
      device = mkIf (elem config.fsType [ "proc" "sysfs" "tmpfs" "ramfs" "devtmpfs" "devpts" ]) (mkDefault config.fsType);
    };
  };

  fsToSkipCheck = [ "none" "auto" "overlay" "iso9660" "bindfs" "udf" "btrfs" "zfs" "tmpfs" "bcachefs" "nfs" "nfs4" "nilfs2" "vboxsf" "squashfs" "glusterfs" "apfs" "9p" "cifs" "prl_fs" "vmhgfs" ];
  isBindMount = fs: elem "bind" fs.options;
  skipCheck = fs: fs.noCheck || fs.device == "none" || elem fs.fsType fsToSkipCheck || isBindMount fs;
  escape = replaceStrings [ " " "\t" ] [ "\\040" "\\011" ];

  sorted = toposort utils.fsBefore (attrValues config.fileSystems);
  fileSystems = if sorted ? result then sorted.result
    else throw "The fileSystems mount points depend on each other in a cycle: ${concatMapStringsSep " " (fs: fs.mountPoint) (sorted.cycle or [ ])}";

  fstab = ''
    # This is a generated file.  Do not edit!
    #
    # To make changes, edit the fileSystems and swapDevices NixOS options
    # in your /etc/nixos/configuration.nix file.
    #
    # <file system> <mount point>   <type> <options> <dump> <pass>

    # Filesystems.
    ${concatMapStrings (fs:
      (if fs.device != null then escape fs.device
       else if fs.label != null then "/dev/disk/by-label/${escape fs.label}"
       else throw "No device specified for mount point ‘${fs.mountPoint}’.")
      + " " + escape fs.mountPoint
      + " " + fs.fsType
      + " " + concatStringsSep "," fs.options
      + " 0"
      + " " + (if skipCheck fs then "0" else if fs.mountPoint == "/" then "1" else "2")
      + "\n") fileSystems}
    # Swap devices.
    ${concatMapStrings (sw:
      "${sw.realDevice} none swap ${concatStringsSep "," (sw.options
        ++ optional (sw.priority != null) "pri=${toString sw.priority}"
        ++ optional (sw.discardPolicy != null) "discard${optionalString (sw.discardPolicy != "both") "=${sw.discardPolicy}"}")}\n") config.swapDevices}
  '';
in
{
  options.fileSystems = mkOption {
    default = { };
    example = literalExpression ''
      {
        "/".device = "/dev/hda1";
        "/data" = { device = "/dev/hda2"; fsType = "ext3"; options = [ "data=journal" ]; };
        "/bigdisk".label = "bigdisk";
      }
    '';
    type = types.attrsOf (types.submodule fileSystemOpts);
    description = ''
      The file systems to be mounted.  It must include an entry for
      the root directory (`mountPoint = "/"`).
    '';
  };

  options.system.fsPackages = mkOption {
    internal = true;
    default = [ ];
    description = "Packages supplying file system mounters and checkers.";
  };

  config = {
    assertions = [
      { assertion = config.boot.isContainer || config.fileSystems ? "/";
        message = "The ‘fileSystems’ option does not specify your root file system."; }
    ] ++ mapAttrsToList (name: fs: {
      assertion = fs.device != null || fs.label != null;
      message = "The option definition `fileSystems.\"${name}\".device' or `fileSystems.\"${name}\".label' must be set: no device is given for mount point ‘${fs.mountPoint}’.";
    }) config.fileSystems;

    environment.etc.fstab.text = fstab;
  };
}
