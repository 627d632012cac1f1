# swapDevices: the swap devices and files, as nixpkgs' nixos/modules/config/swap.nix
# declares them; tasks/filesystems.nix writes their /etc/fstab lines. Swap files
# of a given size and random encryption are declared (so configurations
# evaluate) but this system creates no swap file and sets up no encryption.
{ config, lib, ... }:
with lib;
let
  swapCfg = { config, options, ... }: {
    options = {
      device = mkOption {
        example = "/dev/sda3";
        type = types.nonEmptyStr;
        description = "Path of the device or swap file.";
      };
      label = mkOption {
        example = "swap";
        type = types.str;
        description = "Label of the device. Can be used instead of {var}`device`.";
      };
      size = mkOption {
        default = null;
        example = 2048;
        type = types.nullOr types.int;
        description = "If this option is set, ‘device’ is interpreted as the path of a swapfile that will be created automatically with the indicated size (in megabytes).";
      };
      priority = mkOption {
        default = null;
        example = 2048;
        type = types.nullOr types.int;
        description = "Specify the priority of the swap device. Priority is a value between 0 and 32767. Higher numbers indicate higher priority. null lets the kernel choose a priority, which will show up as a negative value.";
      };
      discardPolicy = mkOption {
        default = null;
        example = "once";
        type = types.nullOr (types.enum [ "once" "pages" "both" ]);
        description = "Specify the discard policy for the swap device. If \"once\", then the whole swap space is discarded at swapon invocation. If \"pages\", asynchronous discard on freed pages is performed, before returning to the available pages pool. With \"both\", both policies are activated.";
      };
      options = mkOption {
        default = [ "defaults" ];
        example = [ "nofail" ];
        type = types.listOf types.nonEmptyStr;
        description = "Options used to mount the swap.";
      };
      randomEncryption = mkOption {
        default = false;
        type = types.coercedTo types.bool (enable: { inherit enable; }) (types.submodule {
          options.enable = mkOption { type = types.bool; default = false; description = "Encrypt swap device with a random key."; };
          options.cipher = mkOption { type = types.str; default = "aes-xts-plain64"; description = "Use specified cipher for randomEncryption."; };
          options.allowDiscards = mkOption { type = types.bool; default = false; description = "Whether to allow TRIM requests to the underlying device."; };
        });
        description = "Encrypt swap device with a random key. This way you won't have a persistent swap device.";
      };
      realDevice = mkOption {
        internal = true;
        type = types.path;
        description = "The device the swap lives on (device, or the label's /dev/disk/by-label link).";
      };
    };
    config = {
      device = mkIf options.label.isDefined "/dev/disk/by-label/${config.label}";
      realDevice = if config.randomEncryption.enable then "/dev/mapper/${baseNameOf config.device}" else config.device;
    };
  };
in
{
  options.swapDevices = mkOption {
    default = [ ];
    example = [ { device = "/dev/hda7"; } { device = "/var/swapfile"; } { label = "bigswap"; } ];
    description = ''
      The swap devices and swap files.  These must have been
      initialised using {command}`mkswap`.  Each element should be an
      attribute set specifying either the path of the swap device or
      file (`device`) or the label of the swap device (`label`, see
      {command}`mkswap -L`).  Using a label is recommended.
    '';
    type = types.listOf (types.submodule swapCfg);
  };
}
