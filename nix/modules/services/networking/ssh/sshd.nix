# services.openssh: the OpenSSH daemon, with NixOS's option names, defaults
# and file layout (nixpkgs' nixos/modules/services/networking/ssh/sshd.nix).
# etc/ssh/sshd_config is the typed and freeform `settings` as "Key value"
# lines (sorted by key), then `extraConfig` — whose first part, at order 0,
# is what this module derives from the other options. sshd keeps the first
# value of a keyword, so settings win over a later line in extraConfig.
{ config, lib, pkgs, ... }:
with lib;
let
  cfg = config.services.openssh;
  cfgc = config.programs.ssh;

  # Keys whose list values sshd wants joined by commas, or by spaces.
  commaSeparated = [ "Ciphers" "KexAlgorithms" "Macs" ];
  spaceSeparated = [ "AuthorizedKeysFile" "AllowGroups" "AllowUsers" "DenyGroups" "DenyUsers" ];

  settingsValue = v:
    if isInt v then toString v
    else if isString v then v
    else if v == true then "yes"
    else if v == false then "no"
    else throw "unsupported type ${builtins.typeOf v}: ${generators.toPretty { } v}";

  settingsLine = key: val:
    let
      joined =
        if !isList val then val
        else if elem key commaSeparated then concatStringsSep "," val
        else if elem key spaceSeparated then concatStringsSep " " val
        else throw "list value for unknown key ${key}: ${generators.toPretty { } val}";
    in
    "${key} ${settingsValue joined}\n";

  settingsText = concatStrings (mapAttrsToList settingsLine (filterAttrs (n: v: v != null) cfg.settings));

  settingsType = with types; attrsOf (nullOr (oneOf [ bool int str (listOf str) ]));

  # A typed yes/no keyword of `settings`: null leaves it out of sshd_config.
  boolSetting = default: description: mkOption { type = types.nullOr types.bool; inherit default description; };

  userOptions = {
    options.openssh.authorizedKeys = {
      keys = mkOption {
        type = types.listOf types.singleLineStr;
        default = [ ];
        description = ''
          A list of verbatim OpenSSH public keys that should be added to the
          user's authorized keys. The keys are added to a file that the SSH
          daemon reads in addition to the the user's authorized_keys file.
          You can combine the `keys` and `keyFiles` options.
        '';
        example = [ "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBLTqGcAIMGPq8TmaTOSBVhjY5sD6GMlT3xhJIlGyD3o alice@example.org" ];
      };
      keyFiles = mkOption {
        type = types.listOf types.path;
        default = [ ];
        description = ''
          A list of files each containing one OpenSSH public key that should be
          added to the user's authorized keys. The contents of the files are
          read at build time and added to a file that the SSH daemon reads in
          addition to the the user's authorized_keys file. You can combine the
          `keyFiles` and `keys` options.
        '';
      };
    };
  };

  # etc/ssh/authorized_keys.d/<user> for every user with keys.
  authKeysFiles =
    let
      mkAuthKeyFile = name: u: nameValuePair "ssh/authorized_keys.d/${name}" {
        mode = "0444";
        text = ''
          ${concatStringsSep "\n" u.openssh.authorizedKeys.keys}
          ${concatMapStrings (f: builtins.readFile f + "\n") u.openssh.authorizedKeys.keyFiles}
        '';
      };
      withKeys = filterAttrs (n: u: u.openssh.authorizedKeys.keys != [ ] || u.openssh.authorizedKeys.keyFiles != [ ]) config.users.users;
    in
    mapAttrs' mkAuthKeyFile withKeys;

  renamed = old: new: mkRenamedOptionModule [ "services" "openssh" old ] ([ "services" "openssh" ] ++ new);

  hostKeyScript = k: ''
    if ! [ -s "${k.path}" ]; then
        if ! [ -h "${k.path}" ]; then
            rm -f "${k.path}"
        fi
        mkdir -m 0755 -p "$(dirname '${k.path}')"
        ${cfgc.package}/bin/ssh-keygen \
          -t "${k.type}" \
          ${optionalString (k ? bits) "-b ${toString k.bits}"} \
          ${optionalString (k ? rounds) "-a ${toString k.rounds}"} \
          ${optionalString (k ? comment) "-C '${k.comment}'"} \
          ${optionalString (k ? openSSHFormat && k.openSSHFormat) "-o"} \
          -f "${k.path}" \
          -N ""
    fi
  '';

  service = {
    description = "SSH Daemon";
    wantedBy = optional (!cfg.startWhenNeeded) "multi-user.target";
    after = [ "network.target" ];
    stopIfChanged = false;
    path = [ cfgc.package ];
    preStart = ''
      # Make sure we don't write to stdout, since in case of
      # socket activation, it goes to the remote side (#19589).
      exec >&2

      ${concatMapStrings hostKeyScript cfg.hostKeys}
    '';
    serviceConfig = {
      ExecStart =
        (optionalString cfg.startWhenNeeded "-")
        + "${cfgc.package}/bin/sshd " + (optionalString cfg.startWhenNeeded "-i ")
        + "-D -f /etc/ssh/sshd_config";
      KillMode = "process";
      # Debian's sshd is built with /run/sshd as its privilege separation
      # directory (its own unit makes it so); nixpkgs' uses /var/empty.
      RuntimeDirectory = "sshd";
      RuntimeDirectoryMode = "0755";
    } // (if cfg.startWhenNeeded then {
      StandardInput = "socket";
      StandardError = "journal";
    } else {
      Restart = "always";
      Type = "simple";
    });
  };
in
{
  imports = [
    (mkAliasOptionModule [ "services" "sshd" "enable" ] [ "services" "openssh" "enable" ])
    (renamed "challengeResponseAuthentication" [ "kbdInteractiveAuthentication" ])
    (renamed "kbdInteractiveAuthentication" [ "settings" "KbdInteractiveAuthentication" ])
    (renamed "passwordAuthentication" [ "settings" "PasswordAuthentication" ])
    (renamed "useDns" [ "settings" "UseDns" ])
    (renamed "permitRootLogin" [ "settings" "PermitRootLogin" ])
    (renamed "logLevel" [ "settings" "LogLevel" ])
    (renamed "macs" [ "settings" "Macs" ])
    (renamed "ciphers" [ "settings" "Ciphers" ])
    (renamed "kexAlgorithms" [ "settings" "KexAlgorithms" ])
    (renamed "gatewayPorts" [ "settings" "GatewayPorts" ])
    (renamed "forwardX11" [ "settings" "X11Forwarding" ])
  ];

  options = {
    services.openssh = {
      enable = mkOption {
        type = types.bool;
        default = false;
        description = ''
          Whether to enable the OpenSSH secure shell daemon, which
          allows secure remote logins.
        '';
      };

      startWhenNeeded = mkOption {
        type = types.bool;
        default = false;
        description = ''
          If set, {command}`sshd` is socket-activated; that
          is, instead of having it permanently running as a daemon,
          systemd will start an instance for each incoming connection.
        '';
      };

      allowSFTP = mkOption {
        type = types.bool;
        default = true;
        description = ''
          Whether to enable the SFTP subsystem in the SSH daemon.  This
          enables the use of commands such as {command}`sftp` and
          {command}`sshfs`.
        '';
      };

      sftpServerExecutable = mkOption {
        type = types.str;
        example = "internal-sftp";
        description = ''
          The sftp server executable.  Can be a path or "internal-sftp" to use
          the sftp server built into the sshd binary.
        '';
      };

      sftpFlags = mkOption {
        type = with types; listOf str;
        default = [ ];
        example = [ "-f AUTHPRIV" "-l INFO" ];
        description = "Commandline flags to add to sftp-server.";
      };

      ports = mkOption {
        type = types.listOf types.port;
        default = [ 22 ];
        description = "Specifies on which ports the SSH daemon listens.";
      };

      openFirewall = mkOption {
        type = types.bool;
        default = true;
        description = "Whether to automatically open the specified ports in the firewall.";
      };

      listenAddresses = mkOption {
        type = with types; listOf (submodule {
          options = {
            addr = mkOption {
              type = types.nullOr types.str;
              default = null;
              description = "Host, IPv4 or IPv6 address to listen to.";
            };
            port = mkOption {
              type = types.nullOr types.int;
              default = null;
              description = "Port to listen to.";
            };
          };
        });
        default = [ ];
        example = [ { addr = "192.168.3.1"; port = 22; } { addr = "0.0.0.0"; port = 64022; } ];
        description = ''
          List of addresses and ports to listen on (ListenAddress directive
          in config). If port is not specified for address sshd will listen
          on all ports specified by `ports` option.
        '';
      };

      hostKeys = mkOption {
        type = types.listOf types.attrs;
        default = [
          { type = "rsa"; bits = 4096; path = "/etc/ssh/ssh_host_rsa_key"; }
          { type = "ed25519"; path = "/etc/ssh/ssh_host_ed25519_key"; }
        ];
        example = [
          { type = "rsa"; bits = 4096; path = "/etc/ssh/ssh_host_rsa_key"; rounds = 100; openSSHFormat = true; }
          { type = "ed25519"; path = "/etc/ssh/ssh_host_ed25519_key"; rounds = 100; comment = "key comment"; }
        ];
        description = ''
          NixOS can automatically generate SSH host keys.  This option
          specifies the path, type and size of each key.  See
          {manpage}`ssh-keygen(1)` for supported types
          and sizes.
        '';
      };

      banner = mkOption {
        type = types.nullOr types.lines;
        default = null;
        description = ''
          Message to display to the remote user before authentication is allowed.
        '';
      };

      authorizedKeysInHomedir = mkOption {
        type = types.bool;
        default = true;
        description = ''
          Enables the use of the `~/.ssh/authorized_keys` file.
        '';
      };

      authorizedKeysFiles = mkOption {
        type = types.listOf types.str;
        default = [ ];
        description = ''
          Specify the rules for which files to read on the host.
          These are paths relative to the host root file system or home
          directories and they are subject to certain token expansion rules.
          See AuthorizedKeysFile in man sshd_config for details.
        '';
      };

      settings = mkOption {
        description = "Configuration for `sshd_config(5)`.";
        default = { };
        example = literalExpression ''
          {
            UseDns = true;
            PasswordAuthentication = false;
          }
        '';
        type = types.submodule ({ name, ... }: {
          freeformType = settingsType;
          options = {
            AuthorizedPrincipalsFile = mkOption {
              type = types.nullOr types.str;
              default = "none";
              description = ''
                Specifies a file that lists principal names that are accepted for certificate authentication.
              '';
            };
            LogLevel = mkOption {
              type = types.nullOr (types.enum [ "QUIET" "FATAL" "ERROR" "INFO" "VERBOSE" "DEBUG" "DEBUG1" "DEBUG2" "DEBUG3" ]);
              default = "INFO";
              description = ''
                Gives the verbosity level that is used when logging messages from {manpage}`sshd(8)`.
              '';
            };
            UsePAM = boolSetting true "Whether to enable Pluggable Authentication Modules.";
            UseDns = boolSetting false ''
              Specifies whether {manpage}`sshd(8)` should look up the remote host name, and to check that the resolved host name for
              the remote IP address maps back to the very same IP address.
            '';
            X11Forwarding = boolSetting false "Whether to allow X11 connections to be forwarded.";
            PasswordAuthentication = boolSetting true "Specifies whether password authentication is allowed.";
            PermitRootLogin = mkOption {
              default = "prohibit-password";
              type = types.nullOr (types.enum [ "yes" "without-password" "prohibit-password" "forced-commands-only" "no" ]);
              description = "Whether the root user can login using ssh.";
            };
            KbdInteractiveAuthentication = boolSetting true "Specifies whether keyboard-interactive authentication is allowed.";
            GatewayPorts = mkOption {
              type = types.nullOr types.str;
              default = "no";
              description = ''
                Specifies whether remote hosts are allowed to connect to
                ports forwarded for the client.  See
                {manpage}`sshd_config(5)`.
              '';
            };
            KexAlgorithms = mkOption {
              type = types.nullOr (types.listOf types.str);
              default = [
                "sntrup761x25519-sha512@openssh.com"
                "curve25519-sha256"
                "curve25519-sha256@libssh.org"
                "diffie-hellman-group-exchange-sha256"
              ];
              description = "Allowed key exchange algorithms.";
            };
            Macs = mkOption {
              type = types.nullOr (types.listOf types.str);
              default = [
                "hmac-sha2-512-etm@openssh.com"
                "hmac-sha2-256-etm@openssh.com"
                "umac-128-etm@openssh.com"
              ];
              description = "Allowed MACs.";
            };
            StrictModes = boolSetting true ''
              Whether sshd should check file modes and ownership of directories
            '';
            Ciphers = mkOption {
              type = types.nullOr (types.listOf types.str);
              default = [
                "chacha20-poly1305@openssh.com"
                "aes256-gcm@openssh.com"
                "aes128-gcm@openssh.com"
                "aes256-ctr"
                "aes192-ctr"
                "aes128-ctr"
              ];
              description = "Allowed ciphers.";
            };
            AllowUsers = mkOption {
              type = with types; nullOr (listOf str);
              default = null;
              description = ''
                If specified, login is allowed only for the listed users.
              '';
            };
            DenyUsers = mkOption {
              type = with types; nullOr (listOf str);
              default = null;
              description = ''
                If specified, login is disallowed for all listed users.
              '';
            };
            AllowGroups = mkOption {
              type = with types; nullOr (listOf str);
              default = null;
              description = ''
                If specified, login is allowed only for users part of the listed groups.
              '';
            };
            DenyGroups = mkOption {
              type = with types; nullOr (listOf str);
              default = null;
              description = ''
                If specified, login is disallowed for all users part of the listed groups.
              '';
            };
            PrintMotd = boolSetting false ''
              Whether to print the motd (the PAM motd module shows it).
            '';
          };
        });
      };

      extraConfig = mkOption {
        type = types.lines;
        default = "";
        description = "Verbatim contents of {file}`sshd_config`.";
      };

      moduliFile = mkOption {
        example = "/etc/my-local-ssh-moduli;";
        type = types.path;
        description = ''
          Path to `moduli` file to install in
          `/etc/ssh/moduli`. If this option is unset, then
          the `moduli` file shipped with OpenSSH will be used.
        '';
      };
    };

    users.users = mkOption {
      type = with types; attrsOf (submodule userOptions);
    };
  };

  config = mkIf cfg.enable {
    users.users.sshd = {
      isSystemUser = true;
      group = "sshd";
      description = "SSH privilege separation user";
    };
    users.groups.sshd = { };

    services.openssh.moduliFile = mkDefault "${cfgc.package}/etc/ssh/moduli";
    services.openssh.sftpServerExecutable = mkDefault "${cfgc.package}/libexec/sftp-server";

    environment.etc = authKeysFiles // {
      "ssh/moduli".source = cfg.moduliFile;
      "ssh/sshd_config".text = settingsText + cfg.extraConfig;
    };

    systemd =
      if cfg.startWhenNeeded then {
        sockets.sshd = {
          description = "SSH Socket";
          wantedBy = [ "sockets.target" ];
          socketConfig.ListenStream =
            if cfg.listenAddresses != [ ] then
              concatMap ({ addr, port }: if port != null then [ "${addr}:${toString port}" ] else map (p: "${addr}:${toString p}") cfg.ports) cfg.listenAddresses
            else cfg.ports;
          socketConfig.Accept = true;
          # Prevent brute-force attacks from shutting down socket
          socketConfig.TriggerLimitIntervalSec = 0;
        };
        services."sshd@" = service;
      } else {
        services.sshd = service;
      };

    # The host keys are made at activation too, not only by the unit's
    # preStart: a system that boots without systemd (a container's test
    # hook) or switches before sshd restarts still has them, and with an
    # ephemeral root they are made after persistence has put its bind
    # mounts and links in place, so a new key lands on the persistent side.
    system.activationScripts.sshHostKeys = {
      deps = [ "etc" ] ++ optional (config.system.activationScripts ? persist-files) "persist-files";
      text = ''
        # SSH host keys, generated when missing.
        ${concatMapStrings hostKeyScript cfg.hostKeys}
      '';
    };

    networking.firewall.allowedTCPPorts = optionals cfg.openFirewall cfg.ports;

    security.pam.services.sshd = mkIf (cfg.settings.UsePAM == true) {
      startSession = true;
      showMotd = true;
      unixAuth = cfg.settings.PasswordAuthentication == true;
    };

    services.openssh.authorizedKeysFiles =
      optional cfg.authorizedKeysInHomedir "%h/.ssh/authorized_keys" ++ [ "/etc/ssh/authorized_keys.d/%u" ];

    services.openssh.extraConfig = mkOrder 0 ''
      Banner ${if cfg.banner == null then "none" else pkgs.writeText "ssh_banner" cfg.banner}

      AddressFamily ${if config.networking.enableIPv6 or true then "any" else "inet"}
      ${concatMapStrings (port: ''
        Port ${toString port}
      '') cfg.ports}

      ${concatMapStrings ({ port, addr, ... }: ''
        ListenAddress ${addr}${optionalString (port != null) (":" + toString port)}
      '') cfg.listenAddresses}

      ${optionalString cfgc.setXAuthLocation ''
        XAuthLocation ${pkgs.xorg.xauth}/bin/xauth
      ''}
      ${optionalString cfg.allowSFTP ''
        Subsystem sftp ${cfg.sftpServerExecutable} ${concatStringsSep " " cfg.sftpFlags}
      ''}
      AuthorizedKeysFile ${toString cfg.authorizedKeysFiles}

      ${concatMapStrings (k: ''
        HostKey ${k.path}
      '') cfg.hostKeys}
    '';

    assertions = [
      {
        assertion = if cfg.settings.X11Forwarding == true then cfgc.setXAuthLocation else true;
        message = "cannot enable X11 forwarding without setting xauth location";
      }
    ] ++ forEach cfg.listenAddresses ({ addr, ... }: {
      assertion = addr != null;
      message = "addr must be specified in each listenAddresses entry";
    });
  };
}
