# networking.firewall: the options common to NixOS's firewall backends
# (nixpkgs' nixos/modules/services/networking/firewall.nix). Bastion has
# the nftables backend only (firewall-nftables.nix).
{ config, lib, ... }:
with lib;
let
  cfg = config.networking.firewall;

  canonicalizePortList = ports: unique (builtins.sort builtins.lessThan ports);

  # networking.firewall.extra*Rules: nftables lines appended to one chain.
  extraRules = chain: example: mkOption {
    type = types.lines;
    default = "";
    inherit example;
    description = ''
      Additional nftables rules to be appended to the ${chain}
      chain.
    '';
  };

  commonOptions = {
    allowedTCPPorts = mkOption {
      type = types.listOf types.port;
      default = [ ];
      apply = canonicalizePortList;
      example = [ 22 80 ];
      description = ''
        List of TCP ports on which incoming connections are
        accepted.
      '';
    };
    allowedTCPPortRanges = mkOption {
      type = types.listOf (types.attrsOf types.port);
      default = [ ];
      example = [ { from = 8999; to = 9003; } ];
      description = ''
        A range of TCP ports on which incoming connections are
        accepted.
      '';
    };
    allowedUDPPorts = mkOption {
      type = types.listOf types.port;
      default = [ ];
      apply = canonicalizePortList;
      example = [ 53 ];
      description = ''
        List of open UDP ports.
      '';
    };
    allowedUDPPortRanges = mkOption {
      type = types.listOf (types.attrsOf types.port);
      default = [ ];
      example = [ { from = 60000; to = 61000; } ];
      description = ''
        Range of open UDP ports.
      '';
    };
  };
in
{
  options.networking.firewall = {
    enable = mkOption {
      type = types.bool;
      default = true;
      description = ''
        Whether to enable the firewall.  This is a simple stateful
        firewall that blocks connection attempts to unauthorised TCP
        or UDP ports on this machine.
      '';
    };

    logRefusedConnections = mkOption {
      type = types.bool;
      default = true;
      description = ''
        Whether to log rejected or dropped incoming connections.
        Note: The logs are found in the kernel logs, i.e. dmesg
        or journalctl -k.
      '';
    };

    logRefusedPackets = mkOption {
      type = types.bool;
      default = false;
      description = ''
        Whether to log all rejected or dropped incoming packets.
        This tends to give a lot of log messages, so it's mostly
        useful for debugging.
      '';
    };

    logRefusedUnicastsOnly = mkOption {
      type = types.bool;
      default = true;
      description = ''
        If {option}`networking.firewall.logRefusedPackets`
        and this option are enabled, then only log packets
        specifically directed at this machine, i.e., not broadcasts
        or multicasts.
      '';
    };

    rejectPackets = mkOption {
      type = types.bool;
      default = false;
      description = ''
        If set, refused packets are rejected rather than dropped
        (ignored).  This means that an ICMP "port unreachable" error
        message is sent back to the client (or a TCP RST packet in
        case of an existing connection).  Rejecting packets makes
        port scanning somewhat easier.
      '';
    };

    trustedInterfaces = mkOption {
      type = types.listOf types.str;
      default = [ ];
      example = [ "enp0s2" ];
      description = ''
        Traffic coming in from these interfaces will be accepted
        unconditionally.  Traffic from the loopback (lo) interface
        will always be accepted.
      '';
    };

    allowPing = mkOption {
      type = types.bool;
      default = true;
      description = ''
        Whether to respond to incoming ICMPv4 echo requests
        ("pings").  ICMPv6 pings are always allowed because the
        larger address space of IPv6 makes network scanning much
        less effective.
      '';
    };

    pingLimit = mkOption {
      type = types.nullOr (types.separatedString " ");
      default = null;
      example = "1/minute burst 5 packets";
      description = ''
        If pings are allowed, this allows setting rate limits on them.
        For the nftables based firewall, it should be something like
        "1/minute burst 5 packets".
      '';
    };

    checkReversePath = mkOption {
      type = types.either types.bool (types.enum [ "strict" "loose" ]);
      default = true;
      example = "loose";
      description = ''
        Performs a reverse path filter test on a packet.  If a reply
        to the packet would not be sent via the same interface that
        the packet arrived on, it is refused.
      '';
    };

    logReversePathDrops = mkOption {
      type = types.bool;
      default = false;
      description = ''
        Logs dropped packets failing the reverse path filter test if
        the option networking.firewall.checkReversePath is enabled.
      '';
    };

    filterForward = mkOption {
      type = types.bool;
      default = false;
      description = ''
        Enable filtering in IP forwarding.
        This option only works with the nftables based firewall.
      '';
    };

    extraInputRules = extraRules "input-allow" "ip6 saddr { fc00::/7, fe80::/10 } tcp dport 24800 accept";
    extraForwardRules = extraRules "forward-allow" "iifname wg0 accept";
    extraReversePathFilterRules = extraRules "rpfilter-allow" "fib daddr . mark . iif type local accept";

    interfaces = mkOption {
      default = { };
      type = with types; attrsOf (submodule [ { options = commonOptions; } ]);
      description = ''
        Interface-specific open ports.
      '';
    };

    allInterfaces = mkOption {
      internal = true;
      visible = false;
      default = { default = mapAttrs (name: value: cfg.${name}) commonOptions; } // cfg.interfaces;
      type = with types; attrsOf (submodule [ { options = commonOptions; } ]);
      description = ''
        All the open ports: the ones for every interface ("default") and the
        interface-specific ones.
      '';
    };
  } // commonOptions;

  config = mkIf cfg.enable {
    networking.firewall.trustedInterfaces = [ "lo" ];
  };
}
