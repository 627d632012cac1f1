# nix.settings (nix.conf) and the nix-daemon service, as nixpkgs'
# nixos/modules/services/system/nix-daemon.nix and config/nix.nix; the old
# names (nix.allowedUsers, nix.trustedUsers, nix.useSandbox, …) are renamed
# with a warning, as NixOS 22.05 did.
{ config, lib, pkgs, ... }:
with lib;
let
  cfg = config.nix;

  confValue = v:
    if v == null then ""
    else if isBool v then boolToString v
    else if isList v then concatMapStringsSep " " confValue v
    else if isDerivation v then toString v
    else toString v;

  confType = with types; oneOf [ bool int float str path package (listOf (oneOf [ bool int float str path package ])) ];

  nixConf = concatStringsSep "\n"
    (mapAttrsToList (k: v: "${k} = ${confValue v}") (filterAttrs (k: v: v != null) cfg.settings))
    + "\n" + optionalString (cfg.extraOptions != "") (cfg.extraOptions + "\n");

  renamed = old: new: mkRenamedOptionModule ([ "nix" ] ++ old) ([ "nix" "settings" ] ++ new);
in
{
  imports = [
    (renamed [ "allowedUsers" ] [ "allowed-users" ])
    (renamed [ "trustedUsers" ] [ "trusted-users" ])
    (renamed [ "useSandbox" ] [ "sandbox" ])
    (renamed [ "sandboxPaths" ] [ "extra-sandbox-paths" ])
    (renamed [ "binaryCaches" ] [ "substituters" ])
    (renamed [ "trustedBinaryCaches" ] [ "trusted-substituters" ])
    (renamed [ "binaryCachePublicKeys" ] [ "trusted-public-keys" ])
    (renamed [ "maxJobs" ] [ "max-jobs" ])
    (renamed [ "buildCores" ] [ "cores" ])
    (renamed [ "autoOptimiseStore" ] [ "auto-optimise-store" ])
  ];

  options.nix = {
    enable = mkOption {
      type = types.bool;
      default = true;
      description = ''
        Whether to enable Nix.
        Disabling Nix makes the system hard to modify and the Nix programs and configuration will not be made available by NixOS itself.
      '';
    };
    package = mkOption {
      type = types.package;
      default = pkgs.nix;
      defaultText = literalExpression "pkgs.nix";
      description = "This option specifies the Nix package instance to use throughout the system.";
    };
    extraOptions = mkOption {
      type = types.lines;
      default = "";
      description = "Additional text appended to {file}`nix.conf`.";
    };
    settings = mkOption {
      type = types.submodule {
        freeformType = types.attrsOf confType;
        options = {
          allowed-users = mkOption {
            type = types.listOf types.str;
            default = [ "*" ];
            example = [ "@wheel" "@builders" "alice" "bob" ];
            description = ''
              A list of names of users (separated by whitespace) that are
              allowed to connect to the Nix daemon. As with
              {option}`nix.settings.trusted-users`, you can specify groups by
              prefixing them with `@`. Also, you can allow all users by
              specifying `*`. The default is `*`. Note that trusted users are
              always allowed to connect.
            '';
          };
          trusted-users = mkOption {
            type = types.listOf types.str;
            default = [ "root" ];
            example = [ "root" "alice" "@wheel" ];
            description = "A list of names of users that have additional rights when connecting to the Nix daemon.";
          };
          sandbox = mkOption {
            type = types.either types.bool (types.enum [ "relaxed" ]);
            default = true;
            description = "If set, Nix will perform builds in a sandboxed environment.";
          };
          substituters = mkOption {
            type = types.listOf types.str;
            default = [ "https://cache.nixos.org/" ];
            description = "List of binary cache URLs used to obtain pre-built binaries of Nix packages.";
          };
          max-jobs = mkOption {
            type = types.either types.int (types.enum [ "auto" ]);
            default = "auto";
            description = "This option defines the maximum number of jobs that Nix will try to build in parallel.";
          };
          cores = mkOption {
            type = types.int;
            default = 0;
            description = "The number of cores each build may use (0: all of them).";
          };
          extra-sandbox-paths = mkOption {
            type = types.listOf types.str;
            default = [ ];
            example = [ "/dev" "/proc" ];
            description = "Directories from the host filesystem to be included in the sandbox.";
          };
          trusted-substituters = mkOption {
            type = types.listOf types.str;
            default = [ ];
            example = [ "https://hydra.nixos.org/" ];
            description = "List of binary cache URLs that non-root users can use (in addition to those specified using {option}`nix.settings.substituters`) by passing `--option binary-caches` to Nix commands.";
          };
          trusted-public-keys = mkOption {
            type = types.listOf types.str;
            example = [ "hydra.nixos.org-1:CNHJZBh9K4tP3EKF6FkkgeVYsS3ohTl+oS0Qa8bezVs=" ];
            description = "List of public keys used to sign binary caches. If {option}`nix.settings.trusted-public-keys` is enabled, then Nix will use a binary from a binary cache if and only if it is signed by *any* of the keys listed here. By default, only the key for `cache.nixos.org` is included.";
          };
          require-sigs = mkOption {
            type = types.bool;
            default = true;
            description = "If enabled (the default), Nix will only download binaries from binary caches if they are cryptographically signed with any of the keys listed in {option}`nix.settings.trusted-public-keys`. If disabled, signatures are neither required nor checked, so it's strongly recommended that you use only trustworthy caches and https to prevent man-in-the-middle attacks.";
          };
          auto-optimise-store = mkOption {
            type = types.bool;
            default = false;
            example = true;
            description = "If set to true, Nix automatically detects files in the store that have identical contents, and replaces them with hard links to a single copy. This saves disk space. If set to false (the default), you can still run nix-store --optimise to get rid of duplicate files.";
          };
          system-features = mkOption {
            type = types.listOf types.str;
            example = [ "kvm" "big-parallel" "gccarch-skylake" ];
            description = "The set of features supported by the machine. Derivations can express dependencies on system features through the `requiredSystemFeatures` attribute.";
          };
        };
      };
      default = { };
      description = ''
        Configuration for Nix, see <https://nixos.org/manual/nix/stable/command-ref/conf-file.html>
        or {manpage}`nix.conf(5)` for available options.
        The value declared here will be translated directly to the key-value pairs Nix expects.
      '';
    };
  };

  config = mkIf cfg.enable {
    environment.etc."nix/nix.conf".text = nixConf;

    systemd.services.nix-daemon = {
      description = "Nix Daemon";
      documentation = [ "man:nix-daemon(8)" ];
      wantedBy = [ "multi-user.target" ];
      unitConfig.RequiresMountsFor = [ "/nix/store" "/nix/var" ];
      serviceConfig = {
        ExecStart = "${cfg.package}/bin/nix-daemon --daemon";
        KillMode = "process";
        LimitNOFILE = 1048576;
      };
      restartIfChanged = false;
    };

    users.groups.nixbld.gid = config.ids.gids.nixbld;
  };
}
