# networking.hostName, domain, hosts, extraHosts, useDHCP, interfaces,
# and /etc/hostname and /etc/hosts made from them
# (nixpkgs' nixos/modules/config/networking.nix and tasks/network-interfaces.nix).
{ config, lib, pkgs, ... }:
with lib;
let
  cfg = config.networking;

  addressOpts = v: {
    options = {
      address = mkOption { type = types.str; description = "IPv${toString v} address of the interface. Leave empty to configure the interface using DHCP."; };
      prefixLength = mkOption {
        type = types.addCheck types.int (n: n >= 0 && n <= (if v == 4 then 32 else 128));
        description = "Subnet mask of the interface, specified as the number of bits in the prefix (`${if v == 4 then "24" else "64"}`).";
      };
    };
  };

  interfaceOpts = { name, ... }: {
    options = {
      name = mkOption { example = "eth0"; type = types.str; description = "Name of the interface."; };
      useDHCP = mkOption {
        type = types.nullOr types.bool;
        default = null;
        description = "Whether this interface should be configured with DHCP. Overrides the default set by {option}`networking.useDHCP`. If `null` (the default), DHCP is enabled if the interface has no IPv4 addresses configured with {option}`networking.interfaces.<name>.ipv4.addresses`, and disabled otherwise.";
      };
      ipv4.addresses = mkOption { default = [ ]; type = with types; listOf (submodule (addressOpts 4)); description = "List of IPv4 addresses that will be statically assigned to the interface."; };
      ipv6.addresses = mkOption { default = [ ]; type = with types; listOf (submodule (addressOpts 6)); description = "List of IPv6 addresses that will be statically assigned to the interface."; };
      macAddress = mkOption { default = null; example = "00:11:22:33:44:55"; type = types.nullOr types.str; description = "MAC address of the interface. Leave empty to use the default."; };
      mtu = mkOption { default = null; example = 9000; type = types.nullOr types.int; description = "MTU size for packets leaving the interface. Leave empty to use the default."; };
      wakeOnLan.enable = mkEnableOption "wol on this interface";
    };
    config.name = mkDefault name;
  };

  hostnames = optional (cfg.hostName != "")
    (cfg.hostName + optionalString (cfg.domain != null && cfg.domain != "") ".${cfg.domain}")
    ++ optional (cfg.hostName != "" && cfg.domain != null && cfg.domain != "") cfg.hostName;

  hostsText = ''
    127.0.0.1 localhost
    ${optionalString cfg.enableIPv6 "::1 localhost"}
    ${concatStrings (mapAttrsToList (ip: names: "${ip} ${concatStringsSep " " names}\n") (filterAttrs (_: v: v != [ ]) cfg.hosts))}
    ${cfg.extraHosts}
  '';
in
{
  options.networking = {
    hostName = mkOption {
      default = "nixos";
      type = types.strMatching "^$|^[[:alnum:]]([[:alnum:]_-]{0,61}[[:alnum:]])?$";
      description = ''
        The name of the machine. Leave it empty if you want to obtain it from a
        DHCP server (if using DHCP). The hostname must be a valid DNS label (see
        RFC 1035 section 2.3.1: "Preferred name syntax", RFC 1123 section 2.1:
        "Host Names and Numbers") and as such must not contain the domain part.
      '';
    };
    domain = mkOption {
      default = null;
      example = "home.arpa";
      type = types.nullOr types.str;
      description = "The domain. It can be left empty if it is auto-detected through DHCP.";
    };
    hostId = mkOption {
      default = null;
      example = "4e98920d";
      type = types.nullOr (types.strMatching "[[:xdigit:]]{8}");
      description = "The 32-bit host ID of the machine, formatted as 8 hexadecimal characters.";
    };
    enableIPv6 = mkOption {
      default = true;
      type = types.bool;
      description = "Whether to enable support for IPv6.";
    };
    hosts = mkOption {
      type = types.attrsOf (types.listOf types.str);
      example = literalExpression ''{ "127.0.0.1" = [ "foo.bar.baz" ]; "192.168.0.2" = [ "fileserver.local" "nameserver.local" ]; }'';
      description = "Locally defined maps of hostnames to IP addresses.";
    };
    extraHosts = mkOption {
      type = types.lines;
      default = "";
      example = "192.168.0.1 lanlocalhost";
      description = "Additional verbatim entries to be appended to {file}`/etc/hosts`.";
    };
    nameservers = mkOption {
      type = types.listOf types.str;
      default = [ ];
      example = [ "130.161.158.4" "130.161.33.17" ];
      description = "The list of nameservers.";
    };
    useDHCP = mkOption {
      type = types.bool;
      default = true;
      description = "Whether to use DHCP to obtain an IP address and other configuration for all network interfaces that do not have any manually configured IPv4 addresses.";
    };
    interfaces = mkOption {
      default = { };
      example = { eth0.ipv4.addresses = [ { address = "131.211.84.78"; prefixLength = 25; } ]; };
      description = "The configuration for each network interface.";
      type = with types; attrsOf (submodule interfaceOpts);
    };
  };

  config = {
    networking.hosts = {
      "127.0.0.2" = hostnames;
    } // optionalAttrs cfg.enableIPv6 {
      "::1" = hostnames;
    };

    environment.etc.hostname = mkIf (cfg.hostName != "") { text = cfg.hostName + "\n"; };
    environment.etc.hosts.text = hostsText;
  };
}
