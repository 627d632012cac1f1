lib: with lib;
# Small declaration modules in NixOS's names, and configurations shaped like the seeds' (the
# talk's hardened Nextcloud host, the "meeka" bastion host, the impermanence server).
let
  unitValue = types.oneOf [ types.bool types.int types.str (types.listOf types.str) ];
  declarations = { config, ... }: {
    _file = "nixos-like.nix";
    options = {
      networking.hostName = mkOption { type = types.strMatching "^$|^[[:alnum:]]([[:alnum:]_-]{0,61}[[:alnum:]])?$"; default = "nixos"; };
      networking.firewall = {
        enable = mkEnableOption "the firewall" // { default = true; };
        allowedTCPPorts = mkOption { type = types.listOf types.port; default = [ ]; apply = ps: sort lessThan (unique ps); };
        allowedUDPPorts = mkOption { type = types.listOf types.port; default = [ ]; };
        allowedTCPPortRanges = mkOption { type = types.listOf (types.attrsOf types.port); default = [ ]; };
        trustedInterfaces = mkOption { type = types.listOf types.str; default = [ ]; };
        allowPing = mkOption { type = types.bool; default = true; };
        extraInputRules = mkOption { type = types.lines; default = ""; };
      };
      services.openssh = {
        enable = mkEnableOption "the OpenSSH daemon";
        ports = mkOption { type = types.listOf types.port; default = [ 22 ]; };
        openFirewall = mkOption { type = types.bool; default = true; };
        settings = mkOption {
          type = types.submodule {
            freeformType = types.attrsOf (types.nullOr (types.oneOf [ types.bool types.int types.str (types.listOf types.str) ]));
            options.PasswordAuthentication = mkOption { type = types.bool; default = true; };
            options.PermitRootLogin = mkOption { type = types.enum [ "yes" "without-password" "prohibit-password" "forced-commands-only" "no" ]; default = "prohibit-password"; };
            options.KbdInteractiveAuthentication = mkOption { type = types.bool; default = true; };
          };
          default = { };
        };
        extraConfig = mkOption { type = types.lines; default = ""; };
      };
      users.mutableUsers = mkOption { type = types.bool; default = true; };
      users.users = mkOption {
        default = { };
        type = types.attrsOf (types.submodule ({ name, config, ... }: {
          options = {
            name = mkOption { type = types.passwdEntry types.str; default = name; };
            isNormalUser = mkOption { type = types.bool; default = false; };
            isSystemUser = mkOption { type = types.bool; default = false; };
            uid = mkOption { type = types.nullOr types.int; default = null; };
            group = mkOption { type = types.str; default = ""; };
            extraGroups = mkOption { type = types.listOf types.str; default = [ ]; };
            home = mkOption { type = types.passwdEntry types.path; default = "/var/empty"; };
            createHome = mkOption { type = types.bool; default = false; };
            shell = mkOption { type = types.nullOr (types.either types.shellPackage (types.passwdEntry types.path)); default = null; };
            description = mkOption { type = types.passwdEntry types.str; default = ""; };
            hashedPasswordFile = mkOption { type = types.nullOr types.str; default = null; };
            initialPassword = mkOption { type = types.nullOr types.str; default = null; };
            openssh.authorizedKeys.keys = mkOption { type = types.listOf types.singleLineStr; default = [ ]; };
            openssh.authorizedKeys.keyFiles = mkOption { type = types.listOf types.path; default = [ ]; };
          };
          config = mkMerge [
            (mkIf config.isNormalUser { group = mkDefault "users"; createHome = mkDefault true; home = mkDefault "/home/${config.name}"; })
          ];
        }));
      };
      security.sudo = {
        enable = mkOption { type = types.bool; default = true; };
        wheelNeedsPassword = mkOption { type = types.bool; default = true; };
        execWheelOnly = mkOption { type = types.bool; default = false; };
        extraRules = mkOption { type = types.listOf (types.submodule { options.users = mkOption { type = types.listOf (types.either types.str types.int); default = [ ]; }; options.commands = mkOption { type = types.listOf (types.either types.str (types.submodule { options.command = mkOption { type = types.str; }; options.options = mkOption { type = types.listOf types.str; default = [ ]; }; })); }; }); default = [ ]; };
      };
      systemd.services = mkOption {
        default = { };
        type = types.attrsOf (types.submodule ({ name, config, ... }: {
          options = {
            enable = mkOption { type = types.bool; default = true; };
            description = mkOption { type = types.singleLineStr; default = ""; };
            wantedBy = mkOption { type = types.listOf types.str; default = [ ]; };
            after = mkOption { type = types.listOf types.str; default = [ ]; };
            environment = mkOption { type = types.attrsOf (types.nullOr (types.oneOf [ types.str types.path types.package ])); default = { }; };
            path = mkOption { type = types.listOf (types.either types.package types.str); default = [ ]; };
            serviceConfig = mkOption { type = types.attrsOf unitValue; default = { }; };
            script = mkOption { type = types.lines; default = ""; };
            preStart = mkOption { type = types.lines; default = ""; };
            startAt = mkOption { type = types.either types.str (types.listOf types.str); default = [ ]; apply = v: if isList v then v else [ v ]; };
            restartIfChanged = mkOption { type = types.bool; default = true; };
          };
        }));
      };
      environment.etc = mkOption {
        default = { };
        type = types.attrsOf (types.submodule ({ name, config, ... }: {
          options = {
            target = mkOption { type = types.str; default = name; };
            text = mkOption { type = types.nullOr types.lines; default = null; };
            mode = mkOption { type = types.str; default = "symlink"; };
            user = mkOption { type = types.str; default = "+0"; };
          };
        }));
      };
      environment.persistence = mkOption {
        default = { };
        type = types.attrsOf (types.submodule ({ name, ... }: {
          options.persistentStoragePath = mkOption { type = types.path; default = name; };
          options.directories = mkOption {
            type = types.listOf (types.coercedTo types.str (d: { directory = d; }) (types.submodule { options.directory = mkOption { type = types.str; }; options.mode = mkOption { type = types.str; default = "0755"; }; }));
            default = [ ];
          };
          options.files = mkOption { type = types.listOf types.str; default = [ ]; };
        }));
      };
      services.nextcloud.enable = mkEnableOption "nextcloud";
      system.stateVersion = mkOption { type = types.str; };
      assertions = mkOption { type = types.listOf types.unspecified; default = [ ]; internal = true; };
      warnings = mkOption { type = types.listOf types.str; default = [ ]; internal = true; };
    };
    config.networking.firewall.allowedTCPPorts = mkIf (config.services.openssh.enable && config.services.openssh.openFirewall) config.services.openssh.ports;
    config.assertions = [ { assertion = config.users.mutableUsers || config.users.users ? root; message = "root must be declared"; } ];
  };
  renames = [
    (mkRenamedOptionModule [ "services" "openssh" "passwordAuthentication" ] [ "services" "openssh" "settings" "PasswordAuthentication" ])
    (mkRenamedOptionModule [ "services" "openssh" "permitRootLogin" ] [ "services" "openssh" "settings" "PermitRootLogin" ])
    (mkRemovedOptionModule [ "services" "openssh" "challengeResponseAuthentication" ] "Use services.openssh.settings.KbdInteractiveAuthentication.")
  ];
  nextcloudHost = { config, ... }: {
    _file = "nextcloud.nix";
    networking.hostName = "cloud";
    services.nextcloud.enable = true;
    services.openssh = { enable = true; passwordAuthentication = false; permitRootLogin = "no"; };
    networking.firewall.allowedTCPPorts = [ 443 80 80 ];
    systemd.services.nextcloud-setup = {
      description = "Nextcloud setup";
      wantedBy = [ "multi-user.target" ];
      after = [ "postgresql.service" ];
      environment.NEXTCLOUD_CONFIG_DIR = "/var/lib/nextcloud/config";
      serviceConfig = {
        Type = "oneshot"; User = "nextcloud"; ProtectSystem = "strict"; ProtectHome = true; PrivateTmp = true;
        NoNewPrivileges = true; CapabilityBoundingSet = ""; SystemCallFilter = [ "@system-service" "~@privileged" ];
        RestrictAddressFamilies = [ "AF_UNIX" "AF_INET" "AF_INET6" ]; MemoryDenyWriteExecute = true; UMask = "0077";
      };
      script = "nextcloud-occ maintenance:install";
      startAt = "daily";
    };
    users.users.nextcloud = { isSystemUser = true; group = "nextcloud"; home = "/var/lib/nextcloud"; };
    users.users.root.hashedPasswordFile = "/run/secrets/root";
    users.mutableUsers = false;
    system.stateVersion = "23.05";
  };
  meekaHost = { ... }: {
    _file = "meeka.nix";
    networking.hostName = "meeka";
    services.openssh = { enable = true; ports = [ 2222 ]; settings = { PasswordAuthentication = false; KbdInteractiveAuthentication = false; X11Forwarding = false; AllowUsers = [ "cadey" ]; }; };
    users.users.cadey = { isNormalUser = true; extraGroups = [ "wheel" ]; openssh.authorizedKeys.keys = [ "ssh-ed25519 AAAAC3Nza cadey@shachi" ]; };
    users.users.root.openssh.authorizedKeys.keys = [ "ssh-ed25519 AAAAroot" ];
    security.sudo = { execWheelOnly = true; wheelNeedsPassword = false; extraRules = [ { users = [ "cadey" ]; commands = [ { command = "/run/current-system/sw/bin/systemctl"; options = [ "NOPASSWD" ]; } "ALL" ]; } ]; };
    services.tailscale = { };
    systemd.services.xesite = { wantedBy = [ "multi-user.target" ]; serviceConfig = { DynamicUser = true; ProtectKernelTunables = true; RestrictRealtime = true; LockPersonality = true; SystemCallArchitectures = "native"; }; };
    system.stateVersion = "22.11";
  };
  impermanenceHost = { ... }: {
    _file = "impermanence.nix";
    environment.persistence."/nix/persist" = { directories = [ "/var/log" "/var/lib/nixos" { directory = "/srv"; mode = "0750"; } ]; files = [ "/etc/machine-id" ]; };
    environment.etc."ssh/ssh_host_ed25519_key".text = "k";
    environment.etc."machine-id" = { text = "abc\n"; mode = "0444"; };
    users.users.root.initialPassword = "hunter2";
    users.mutableUsers = false;
    system.stateVersion = "22.11";
  };
  eval = host: evalModules { modules = [ declarations host ] ++ renames; };
  show = host: let c = (eval host).config; in {
    inherit (c.networking) hostName;
    fw = c.networking.firewall;
    ssh = { inherit (c.services.openssh) enable ports openFirewall settings extraConfig; };
    users = mapAttrs (_: u: { inherit (u) name isNormalUser group home createHome extraGroups; keys = u.openssh.authorizedKeys.keys; }) c.users.users;
    sudo = c.security.sudo;
    units = c.systemd.services;
    etc = c.environment.etc;
    persistence = c.environment.persistence;
    assertions = map (a: a.assertion) c.assertions;
  };
in {
  nextcloud = show nextcloudHost;
  meeka = show { imports = [ meekaHost { options.services.tailscale.enable = mkEnableOption "tailscale"; } ]; };
  meekaPlain = show meekaHost;
  impermanence = show impermanenceHost;
  nextcloudWarnings = (eval nextcloudHost).config.warnings;
  removedOption = map (a: a.message) (filter (a: !a.assertion) (eval { services.openssh.challengeResponseAuthentication = false; system.stateVersion = "x"; _file = "old.nix"; }).config.assertions);
  badHostName = (eval { _file = "h.nix"; networking.hostName = "bad name"; system.stateVersion = "x"; }).config.networking.hostName;
  badPort = (eval { _file = "p.nix"; services.openssh.ports = [ 99999 ]; system.stateVersion = "x"; }).config.services.openssh.ports;
  badPermit = (eval { _file = "p.nix"; services.openssh.settings.PermitRootLogin = "sometimes"; system.stateVersion = "x"; }).config.services.openssh.settings.PermitRootLogin;
  typoOption = (eval { _file = "typo.nix"; services.openssh.enabel = true; system.stateVersion = "x"; }).config.services.openssh.enable;
  typoUser = (eval { _file = "typo.nix"; users.users.a.isNormalUsr = true; system.stateVersion = "x"; }).config.users.users.a;
  typoService = (eval { _file = "typo.nix"; systemd.services.a.wantedby = [ ]; system.stateVersion = "x"; }).config.systemd.services.a;
  conflictingHost = (eval { imports = [ { _file = "one.nix"; networking.hostName = "a"; } { _file = "two.nix"; networking.hostName = "b"; } ]; system.stateVersion = "x"; }).config.networking.hostName;
  keyWithNewline = (eval { _file = "k.nix"; users.users.a.openssh.authorizedKeys.keys = [ "a\nb" ]; system.stateVersion = "x"; }).config.users.users.a.openssh.authorizedKeys.keys;
  passwdColon = (eval { _file = "c.nix"; users.users.a.description = "x:y"; system.stateVersion = "x"; }).config.users.users.a.description;
  serviceConfigBad = (eval { _file = "s.nix"; systemd.services.a.serviceConfig.X = { }; system.stateVersion = "x"; }).config.systemd.services.a.serviceConfig;
  optionsMeta = let o = (eval meekaHost).options; in [ o.services.openssh.ports.files o.services.openssh.ports.highestPrio o.networking.firewall.allowedTCPPorts.files o.users.users.type.description o.systemd.services.type.description o.services.openssh.settings.type.description o.environment.persistence.type.description (map (x: x.name) (filter (x: hasPrefix "services.openssh" x.name) (optionAttrSetToDocList (eval meekaHost).options))) ];
}
