# virtualisation.docker: the Docker daemon, its socket and the docker group
# (nixpkgs' nixos/modules/virtualisation/docker.nix). NixOS takes
# docker.service from the package and resets its ExecStart; Bastion writes
# the whole unit. daemon.settings is daemon.json, given with --config-file.
{ config, lib, pkgs, ... }:
with lib;
let
  cfg = config.virtualisation.docker;
  settingsFormat = {
    type = with types; let
      valueType = nullOr (oneOf [ bool int float str path (attrsOf valueType) (listOf valueType) ]) // {
        description = "JSON value";
      };
    in valueType;
  };
  daemonSettingsFile = pkgs.writeText "daemon.json" (builtins.toJSON cfg.daemon.settings);
in
{
  options.virtualisation.docker = {
    enable = mkOption {
      type = types.bool;
      default = false;
      description = ''
        This option enables docker, a daemon that manages
        linux containers. Users in the "docker" group can interact with
        the daemon (e.g. to start or stop containers) using the
        {command}`docker` command line tool.
      '';
    };

    listenOptions = mkOption {
      type = types.listOf types.str;
      default = [ "/run/docker.sock" ];
      description = ''
        A list of unix and tcp docker should listen to. The format follows
        ListenStream as described in {manpage}`systemd.socket(5)`.
      '';
    };

    enableOnBoot = mkOption {
      type = types.bool;
      default = true;
      description = ''
        When enabled dockerd is started on boot. This is required for
        containers which are created with the
        `--restart=always` flag to work. If this option is
        disabled, docker might be started on demand by socket activation.
      '';
    };

    daemon.settings = mkOption {
      type = types.submodule {
        freeformType = settingsFormat.type;
        options = {
          live-restore = mkOption {
            type = types.bool;
            # Prior to NixOS 24.11, this was set to true by default, while upstream defaulted to false.
            default = versionOlder config.system.stateVersion "24.11";
            defaultText = literalExpression "lib.versionOlder config.system.stateVersion \"24.11\"";
            description = ''
              Allow dockerd to be restarted without affecting running container.
              This option is incompatible with docker swarm.
            '';
          };
        };
      };
      default = { };
      example = {
        ipv6 = true;
        "live-restore" = true;
        "fixed-cidr-v6" = "fd00::/80";
      };
      description = ''
        Configuration for docker daemon. The attributes are serialized to JSON used as daemon.conf.
        See https://docs.docker.com/engine/reference/commandline/dockerd/#daemon-configuration-file
      '';
    };

    storageDriver = mkOption {
      type = types.nullOr (types.enum [ "aufs" "btrfs" "devicemapper" "overlay" "overlay2" "zfs" ]);
      default = null;
      description = ''
        This option determines which Docker
        [storage driver](https://docs.docker.com/storage/storagedriver/select-storage-driver/)
        to use.
        By default it lets docker automatically choose the preferred storage
        driver.
      '';
    };

    logDriver = mkOption {
      type = types.enum [ "none" "json-file" "syslog" "journald" "gelf" "fluentd" "awslogs" "splunk" "etwlogs" "gcplogs" "local" ];
      default = "journald";
      description = ''
        This option determines which Docker log driver to use.
      '';
    };

    extraOptions = mkOption {
      type = types.separatedString " ";
      default = "";
      description = ''
        The extra command-line options to pass to
        {command}`docker` daemon.
      '';
    };

    autoPrune = {
      enable = mkOption {
        type = types.bool;
        default = false;
        description = ''
          Whether to periodically prune Docker resources. If enabled, a
          systemd timer will run `docker system prune -f`
          as specified by the `dates` option.
        '';
      };
      flags = mkOption {
        type = types.listOf types.str;
        default = [ ];
        example = [ "--all" ];
        description = ''
          Any additional flags passed to {command}`docker system prune`.
        '';
      };
      dates = mkOption {
        default = "weekly";
        type = types.str;
        description = ''
          Specification (in the format described by
          {manpage}`systemd.time(7)`) of the time at
          which the prune will occur.
        '';
      };
    };

    package = mkPackageOption pkgs "docker" { };

    extraPackages = mkOption {
      type = types.listOf types.package;
      default = [ ];
      example = literalExpression "with pkgs; [ criu ]";
      description = ''
        Extra packages to add to PATH for the docker daemon process.
      '';
    };
  };

  config = mkIf cfg.enable {
    boot.kernelModules = [ "bridge" "veth" "br_netfilter" "xt_nat" ];
    boot.kernel.sysctl = {
      "net.ipv4.conf.all.forwarding" = mkOverride 98 true;
      "net.ipv4.conf.default.forwarding" = mkOverride 98 true;
    };
    environment.systemPackages = [ cfg.package ];
    users.groups.docker.gid = config.ids.gids.docker;

    systemd.services.docker = {
      description = "Docker Application Container Engine";
      documentation = [ "https://docs.docker.com" ];
      wantedBy = optional cfg.enableOnBoot "multi-user.target";
      after = [ "network.target" "docker.socket" ];
      requires = [ "docker.socket" ];
      serviceConfig = {
        Type = "notify";
        ExecStart = "${cfg.package}/bin/dockerd --config-file=${daemonSettingsFile} ${cfg.extraOptions}";
        ExecReload = "${pkgs.coreutils}/bin/kill -s HUP $MAINPID";
        LimitNOFILE = "infinity";
        LimitNPROC = "infinity";
        LimitCORE = "infinity";
        TasksMax = "infinity";
        TimeoutStartSec = 0;
        Delegate = "yes";
        KillMode = "process";
        Restart = "on-failure";
        StartLimitBurst = 3;
        StartLimitInterval = "60s";
      };
      path = [ cfg.package ] ++ cfg.extraPackages;
    };

    systemd.sockets.docker = {
      description = "Docker Socket for the API";
      wantedBy = [ "sockets.target" ];
      socketConfig = {
        ListenStream = cfg.listenOptions;
        SocketMode = "0660";
        SocketUser = "root";
        SocketGroup = "docker";
      };
    };

    systemd.services.docker-prune = mkIf cfg.autoPrune.enable {
      description = "Prune docker resources";
      restartIfChanged = false;
      unitConfig.X-StopOnRemoval = false;
      serviceConfig.Type = "oneshot";
      script = ''
        ${cfg.package}/bin/docker system prune -f ${toString cfg.autoPrune.flags}
      '';
      startAt = cfg.autoPrune.dates;
      after = [ "docker.service" ];
      requires = [ "docker.service" ];
    };

    virtualisation.docker.daemon.settings = {
      group = "docker";
      hosts = [ "fd://" ];
      log-driver = mkDefault cfg.logDriver;
      storage-driver = mkIf (cfg.storageDriver != null) (mkDefault cfg.storageDriver);
    };
  };
}
