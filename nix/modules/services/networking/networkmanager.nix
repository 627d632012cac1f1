# networking.networkmanager: NetworkManager, its configuration file and
# service (nixpkgs' nixos/modules/services/networking/networkmanager.nix,
# the options the seeds and the modules here use).
{ config, lib, pkgs, ... }:
with lib;
let
  cfg = config.networking.networkmanager;

  iniValue = v:
    if isBool v then boolToString v
    else if isList v then concatMapStringsSep ";" toString v + ";"
    else toString v;

  configFile = generators.toINI { mkKeyValue = generators.mkKeyValueDefault { mkValueString = iniValue; } "="; } (
    filterAttrs (_: section: section != { }) (recursiveUpdate
      {
        main = {
          plugins = "keyfile";
          inherit (cfg) dhcp dns;
          rc-manager = cfg.rc-manager;
        };
        keyfile = optionalAttrs (cfg.unmanaged != [ ]) {
          unmanaged-devices = concatStringsSep ";" (map (d: if hasInfix ":" d then d else "interface-name:${d}") cfg.unmanaged);
        };
        logging = {
          level = cfg.logLevel;
          audit = config.security.audit.enable == true || config.security.audit.enable == "lock";
        };
        connection = cfg.connectionConfig;
        device = {
          "wifi.scan-rand-mac-address" = cfg.wifi.scanRandMacAddress;
        };
      }
      cfg.settings));
in
{
  options.networking.networkmanager = {
    enable = mkOption {
      type = types.bool;
      default = false;
      description = ''
        Whether to use NetworkManager to obtain an IP address and other
        configuration for all network interfaces that are not manually
        configured. If enabled, a group `networkmanager`
        will be created. Add all users that should have permission
        to change network settings to this group.
      '';
    };

    package = mkPackageOption pkgs "networkmanager" { };

    connectionConfig = mkOption {
      type = with types; attrsOf (nullOr (oneOf [ bool int str ]));
      default = { };
      description = ''
        Configuration for the [connection] section of NetworkManager.conf.
      '';
    };

    settings = mkOption {
      type = with types; attrsOf (attrsOf (oneOf [ bool int str (listOf str) ]));
      default = { };
      description = ''
        Configuration added to the generated NetworkManager.conf, note that you can overwrite settings with this.
      '';
    };

    unmanaged = mkOption {
      type = types.listOf types.str;
      default = [ ];
      description = ''
        List of interfaces that will not be managed by NetworkManager.
        Interface name can be specified here, but if you need more fidelity,
        refer to the NetworkManager.conf(5) "Device List Format" section.
      '';
    };

    logLevel = mkOption {
      type = types.enum [ "OFF" "ERR" "WARN" "INFO" "DEBUG" "TRACE" ];
      default = "WARN";
      description = "Set the default logging verbosity level.";
    };

    dhcp = mkOption {
      type = types.enum [ "dhcpcd" "internal" ];
      default = "internal";
      description = "Which program (or internal library) should be used for DHCP.";
    };

    dns = mkOption {
      type = types.enum [ "default" "dnsmasq" "systemd-resolved" "none" ];
      default = "default";
      description = "Set the DNS (`resolv.conf`) processing mode.";
    };

    rc-manager = mkOption {
      type = types.str;
      default = "unmanaged";
      description = "Set the resolv.conf management mode.";
    };

    wifi.scanRandMacAddress = mkOption {
      type = types.bool;
      default = true;
      description = "Whether to enable MAC address randomization of a Wi-Fi device during scanning.";
    };
  };

  config = mkIf cfg.enable {
    environment.etc."NetworkManager/NetworkManager.conf".text = configFile;
    environment.systemPackages = [ cfg.package ];

    ids.gids.networkmanager = 57;
    users.groups.networkmanager.gid = config.ids.gids.networkmanager;

    systemd.services.NetworkManager = {
      description = "Network Manager";
      documentation = [ "man:NetworkManager(8)" ];
      wantedBy = [ "multi-user.target" ];
      wants = [ "network.target" ];
      before = [ "network.target" "network.service" ];
      after = [ "dbus.service" ];
      restartTriggers = [ configFile ];
      serviceConfig = {
        Type = "dbus";
        BusName = "org.freedesktop.NetworkManager";
        ExecReload = "${pkgs.coreutils}/bin/kill -HUP $MAINPID";
        ExecStart = "${cfg.package}/bin/NetworkManager --no-daemon";
        Restart = "on-failure";
        StateDirectory = "NetworkManager";
        StateDirectoryMode = "0755";
        KillMode = "process";
        CapabilityBoundingSet = "CAP_NET_ADMIN CAP_DAC_OVERRIDE CAP_NET_RAW CAP_NET_BIND_SERVICE CAP_SETGID CAP_SETUID CAP_SYS_MODULE CAP_AUDIT_WRITE CAP_KILL CAP_SYS_CHROOT";
        ProtectSystem = true;
        ProtectHome = "read-only";
        RestrictNamespaces = true;
      };
    };

    systemd.services.NetworkManager-wait-online = {
      description = "Network Manager Wait Online";
      documentation = [ "man:nm-online(1)" "man:NetworkManager(8)" ];
      requires = [ "NetworkManager.service" ];
      after = [ "NetworkManager.service" ];
      before = [ "network-online.target" ];
      wantedBy = [ "network-online.target" ];
      serviceConfig = {
        Type = "oneshot";
        ExecStart = "${cfg.package}/bin/nm-online -s -q";
        RemainAfterExit = true;
        Environment = [ "NM_ONLINE_TIMEOUT=60" ];
      };
    };
  };
}
