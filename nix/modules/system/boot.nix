# boot.*: the boot options configurations and community modules set
# (nixpkgs' system/boot/{kernel,stage-1,loader}.nix, declared with NixOS's
# types and defaults). A Bastion system booted as a container ignores the
# initrd and loader ones; they are declared so such configurations evaluate.
{ config, lib, ... }:
with lib;
let
  commands = description: mkOption {
    default = "";
    type = types.lines;
    inherit description;
  };
  moduleList = description: mkOption {
    default = [ ];
    type = types.listOf types.str;
    inherit description;
  };
in
{
  options.boot = {
    isContainer = mkOption {
      type = types.bool;
      default = false;
      description = "Whether this NixOS machine is a lightweight container running in another NixOS system.";
    };
    kernelModules = moduleList "The set of kernel modules to be loaded in the second stage of the boot process.";
    blacklistedKernelModules = moduleList "List of names of kernel modules that should not be loaded automatically by the hardware probing code.";
    kernelParams = mkOption {
      type = types.listOf (types.strMatching ''([^"[:space:]]|"[^"]*")+'');
      default = [ ];
      description = "Parameters added to the kernel command line.";
    };
    extraModulePackages = mkOption {
      type = types.listOf types.package;
      default = [ ];
      description = "A list of additional packages supplying kernel modules.";
    };
    extraModprobeConfig = commands "Any additional configuration to be appended to the generated {file}`modprobe.conf`.";
    kernelPackages = mkOption {
      type = types.nullOr types.raw;
      default = null;
      description = "The kernel package set to use (null: the host's kernel, as a container uses).";
    };
    kernel.sysctl = mkOption {
      type = types.attrsOf (types.nullOr (types.oneOf [ types.bool types.str types.int ]));
      default = { };
      example = { "net.ipv4.tcp_syncookies" = false; "vm.swappiness" = 60; };
      description = "Runtime parameters of the Linux kernel, as set by {manpage}`sysctl(8)`.";
    };
    supportedFilesystems = moduleList "Names of supported filesystem types.";
    tmp.cleanOnBoot = mkOption {
      type = types.bool;
      default = false;
      description = "Whether to delete all files in {file}`/tmp` during boot.";
    };

    initrd = {
      enable = mkOption {
        type = types.bool;
        default = !config.boot.isContainer;
        defaultText = literalExpression "!config.boot.isContainer";
        description = "Whether to enable the NixOS initial RAM disk (initrd).";
      };
      availableKernelModules = moduleList "The set of kernel modules in the initial ramdisk used during the boot process.";
      kernelModules = moduleList "List of modules that are always loaded by the initrd.";
      supportedFilesystems = moduleList "Names of supported filesystem types in the initial ramdisk.";
      preDeviceCommands = commands "Shell commands to be executed before udev is started to create device nodes.";
      postDeviceCommands = commands "Shell commands to be executed immediately after stage 1 of the boot has loaded kernel modules and created device nodes in {file}`/dev`.";
      postResumeCommands = commands "Shell commands to be executed immediately after attempting to resume from hibernation (rolling back a root file system is usually done here).";
      preLVMCommands = commands "Shell commands to be executed immediately before LVM discovery.";
      postMountCommands = commands "Shell commands to be executed immediately after the stage 1 filesystems have been mounted.";
      extraUtilsCommands = commands "Shell commands to be executed in the builder of the extra-utils derivation.";
      network.enable = mkEnableOption "network support in the initrd";
      systemd.enable = mkEnableOption "systemd in the initrd";
      systemd.services = mkOption {
        type = types.attrsOf types.anything;
        default = { };
        description = "Definition of systemd service units in the initrd (declared; a container has no initrd).";
      };
      luks.devices = mkOption {
        type = types.attrsOf types.anything;
        default = { };
        description = "The encrypted disk that should be opened before the root filesystem is mounted.";
      };
    };

    loader = {
      timeout = mkOption {
        type = types.nullOr types.int;
        default = 5;
        description = "Timeout (in seconds) until loader boots the default menu item.";
      };
      grub = {
        enable = mkOption {
          type = types.bool;
          default = !config.boot.isContainer;
          defaultText = literalExpression "!config.boot.isContainer";
          description = "Whether to enable the GNU GRUB boot loader.";
        };
        configurationName = mkOption {
          type = types.str;
          default = "";
          example = "Stable 2.6.21";
          description = "GRUB entry name instead of default.";
        };
        device = mkOption {
          type = types.str;
          default = "";
          example = "/dev/disk/by-id/wwn-0x500001234567890a";
          description = "The device on which the GRUB boot loader will be installed.";
        };
        devices = mkOption {
          type = types.listOf types.str;
          default = [ ];
          description = "The devices on which the boot loader, GRUB, will be installed.";
        };
        efiSupport = mkEnableOption "GRUB EFI support";
        version = mkOption {
          type = types.int;
          default = 2;
          description = "The GRUB version to use (obsolete).";
        };
      };
      systemd-boot.enable = mkEnableOption "the systemd-boot (formerly gummiboot) EFI boot manager";
      efi = {
        canTouchEfiVariables = mkEnableOption "whether the installation process is allowed to modify EFI boot variables";
        efiSysMountPoint = mkOption {
          type = types.str;
          default = "/boot";
          description = "Where the EFI System Partition is mounted.";
        };
      };
    };
  };

  config.environment.etc = mkIf (config.boot.kernel.sysctl != { }) {
    "sysctl.d/60-nixos.conf".text = concatStrings (mapAttrsToList (n: v:
      optionalString (v != null) "${n}=${if v == false then "0" else if v == true then "1" else toString v}\n")
      config.boot.kernel.sysctl);
  };
}
