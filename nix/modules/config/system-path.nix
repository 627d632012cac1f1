# system.path: the packages of /run/current-system/sw, one buildEnv of
# environment.systemPackages (nixpkgs' nixos/modules/config/system-path.nix).
# systemPackages holds NixOS's required packages (those the package set has)
# and environment.defaultPackages, as NixOS's does.
{ config, lib, pkgs, ... }:
with lib;
let
  # NixOS's requiredPackages, by name; a package set without one (the tests'
  # busybox set) just leaves it out.
  requiredNames = [
    "acl" "attr" "bashInteractive" "bzip2" "coreutils" "cpio" "curl" "diffutils" "findutils"
    "gawk" "getent" "getconf" "gnugrep" "gnupatch" "gnused" "gnutar" "gzip" "xz" "less"
    "libcap" "ncurses" "netcat" "mkpasswd" "procps" "su" "time" "util-linux" "which" "zstd"
  ];
  requiredPackages = unique (concatMap (n: optional (pkgs ? ${n}) pkgs.${n}) requiredNames);
in
{
  options = {
    environment.pathsToLink = mkOption {
      type = types.listOf types.str;
      default = [ ];
      example = [ "/" ];
      description = "List of directories to be symlinked in {file}`/run/current-system/sw`.";
    };
    environment.extraOutputsToInstall = mkOption {
      type = types.listOf types.str;
      default = [ ];
      example = [ "dev" "info" ];
      description = "Entries listed here will be appended to the `meta.outputsToInstall` attribute for each package in `environment.systemPackages`, and the files from the corresponding derivation outputs symlinked into {file}`/run/current-system/sw`.";
    };
    system.path = mkOption {
      internal = true;
      description = "The packages you want in the boot environment.";
    };
  };

  config = {
    environment.systemPackages = requiredPackages ++ config.environment.defaultPackages;

    environment.pathsToLink = [
      "/bin" "/etc/xdg" "/etc/gtk-2.0" "/etc/gtk-3.0" "/lib" "/sbin" "/share/emacs"
      "/share/hunspell" "/share/nano" "/share/org" "/share/themes" "/share/vim-plugins"
      "/share/vulkan" "/share/kservices5" "/share/kservicetypes5" "/share/kxmlgui5"
      "/share/systemd" "/share/thumbnailers"
    ];

    system.path = pkgs.buildEnv {
      name = "system-path";
      paths = config.environment.systemPackages;
      inherit (config.environment) pathsToLink extraOutputsToInstall;
      ignoreCollisions = true;
    };
  };
}
