# networking.nftables: one ruleset in etc/nftables.conf and the nftables
# service that loads it (nixpkgs' nixos/modules/services/networking/
# nftables.nix; NixOS keeps the script in the store, Bastion names it
# /etc/nftables.conf so that `nft -c -f` can check the file the system uses).
# Each reload first deletes the tables it declares (or flushes the whole
# ruleset), then declares them anew, all in one nft transaction.
{ config, lib, pkgs, ... }:
with lib;
let
  cfg = config.networking.nftables;

  enabledTables = filterAttrs (_: table: table.enable) cfg.tables;

  deletions =
    if cfg.flushRuleset then "flush ruleset\n"
    else concatStrings (mapAttrsToList (_: table: ''
      table ${table.family} ${table.name}
      delete table ${table.family} ${table.name}
    '') enabledTables);

  ruleset = concatStringsSep "\n" (filter (s: s != "") [
    deletions
    cfg.extraDeletions
    (concatStringsSep "\n" (mapAttrsToList (_: table: ''
      table ${table.family} ${table.name} {
        ${table.content}
      }
    '') enabledTables))
    cfg.ruleset
    (optionalString (cfg.rulesetFile != null) ''
      include "${cfg.rulesetFile}"
    '')
  ]);

  # Debian installs nft in /usr/sbin (its bin/ is usr/bin), nixpkgs in bin/.
  nft = "${cfg.package}/${if cfg.package ? debianClosure then "sbin" else "bin"}/nft";

  tableSubmodule = { name, ... }: {
    options = {
      enable = mkOption {
        type = types.bool;
        default = true;
        description = "Enable this table.";
      };
      name = mkOption {
        type = types.str;
        default = name;
        description = "Table name.";
      };
      content = mkOption {
        type = types.lines;
        default = "";
        description = "The table content.";
      };
      family = mkOption {
        description = "Table family.";
        type = types.enum [ "ip" "ip6" "inet" "arp" "bridge" "netdev" ];
      };
    };
  };
in
{
  options.networking.nftables = {
    enable = mkOption {
      type = types.bool;
      default = false;
      description = ''
        Whether to enable nftables and use nftables based firewall if enabled.
      '';
    };

    package = mkPackageOption pkgs "nftables" { };

    checkRuleset = mkOption {
      type = types.bool;
      default = true;
      description = ''
        Run `nft check` on the ruleset to spot syntax errors during build.
        (Bastion's tests run the check, `nft -c -f etc/nftables.conf`.)
      '';
    };

    flushRuleset = mkOption {
      type = types.bool;
      default = cfg.tables == { };
      defaultText = literalExpression "config.networking.nftables.tables == {}";
      description = ''
        Whether to flush the entire ruleset on each reload.
      '';
    };

    extraDeletions = mkOption {
      type = types.lines;
      default = "";
      example = ''
        # this makes deleting a non-existing table a no-op instead of an error
        table inet some-table;

        delete table inet some-table;
      '';
      description = ''
        Extra deletion commands to be run on every firewall start, reload
        and after stopping the firewall.
      '';
    };

    ruleset = mkOption {
      type = types.lines;
      default = "";
      example = ''
        # Check out https://wiki.nftables.org/ for better documentation.
        # Table for both IPv4 and IPv6.
        table inet filter {
          # Block all incoming connections traffic except SSH and "ping".
          chain input {
            type filter hook input priority 0;
            iifname lo accept
            ct state {established, related} accept
            tcp dport { 22 } accept
            counter drop
          }
        }
      '';
      description = ''
        The ruleset to be used with nftables.  Should be in a format that
        can be loaded using "/bin/nft -f".  The ruleset is updated atomically.
      '';
    };

    rulesetFile = mkOption {
      type = types.nullOr types.path;
      default = null;
      description = ''
        The ruleset file to be used with nftables.  Should be in a format that
        can be loaded using "nft -f".  The ruleset is updated atomically.
      '';
    };

    tables = mkOption {
      type = types.attrsOf (types.submodule tableSubmodule);
      default = { };
      description = ''
        Tables to be added to ruleset.
        Tables will be added together with delete statements to clean up the table before every update.
      '';
    };
  };

  config = mkIf cfg.enable {
    boot.blacklistedKernelModules = [ "ip_tables" ];
    environment.systemPackages = [ cfg.package ];
    environment.etc."nftables.conf".text = ruleset;

    systemd.services.nftables = {
      description = "nftables firewall";
      after = [ "sysinit.target" ];
      before = [ "network-pre.target" "shutdown.target" ];
      conflicts = [ "shutdown.target" ];
      wants = [ "network-pre.target" "sysinit.target" ];
      wantedBy = [ "multi-user.target" ];
      reloadIfChanged = true;
      unitConfig.DefaultDependencies = false;
      serviceConfig = {
        Type = "oneshot";
        RemainAfterExit = true;
        ExecStart = "${nft} -f /etc/nftables.conf";
        ExecReload = "${nft} -f /etc/nftables.conf";
        ExecStop =
          if cfg.flushRuleset then "${nft} flush ruleset"
          else mapAttrsToList (_: table: "${nft} delete table ${table.family} ${table.name}") enabledTables;
        StateDirectory = "nftables";
      };
    };
  };
}
