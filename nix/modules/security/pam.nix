# security.pam.services: etc/pam.d/<service> for NixOS's default services
# (other, login, su, passwd, chsh, chfn, runuser, useradd, … and sshd/sudo
# from their modules), from the same per-service switches as nixpkgs'
# nixos/modules/security/pam.nix (unixAuth, rootOK, startSession,
# setLoginUid, allowNullPassword, showMotd, limits, makeHomeDir, …).
# Each file lists its rules by type in order, each line with its name and
# order as NixOS writes them. Module paths are in security.pam.package
# when the package set has one, else bare names libpam finds in its own
# module directory.
{ config, lib, pkgs, ... }:
with lib;
let
  cfg = config.security.pam;

  # A yes/no option of a PAM service.
  flag = default: description: mkOption { type = types.bool; inherit default description; };

  module = name:
    if cfg.package == null then "${name}.so" else "${cfg.package}/lib/security/${name}.so";

  motdFile =
    if config.users.motdFile != null then config.users.motdFile
    else if config.users.motd != null then "/etc/motd"
    else null;

  limitsFile = name: limits: pkgs.writeText "${name}-limits.conf"
    (concatStringsSep "\n" (map ({ domain, type, item, value }: "${domain} ${type} ${item} ${toString value}") limits) + "\n");

  # The rules of one service: { type = [ { name; enable; control; module; args; } ]; }
  rulesOf = name: s: {
    account = [
      { name = "unix"; enable = true; control = "required"; path = module "pam_unix"; args = [ ]; }
    ];
    auth = [
      { name = "rootok"; enable = s.rootOK; control = "sufficient"; path = module "pam_rootok"; args = [ ]; }
      { name = "wheel"; enable = s.requireWheel; control = "required"; path = module "pam_wheel"; args = [ "use_uid" ]; }
      { name = "ssh_agent_auth"; enable = cfg.sshAgentAuth.enable && s.sshAgentAuth; control = "sufficient"; path = module "pam_ssh_agent_auth"; args = [ "file=${concatStringsSep ":" cfg.sshAgentAuth.authorizedKeysFiles}" ]; }
      {
        name = "unix";
        enable = s.unixAuth;
        control = "sufficient";
        path = module "pam_unix";
        args = optional s.allowNullPassword "nullok" ++ optional s.nodelay "nodelay" ++ [ "likeauth" "try_first_pass" ];
      }
      { name = "deny"; enable = true; control = "required"; path = module "pam_deny"; args = [ ]; }
    ];
    password = [
      { name = "unix"; enable = true; control = "sufficient"; path = module "pam_unix"; args = [ "nullok" "yescrypt" ]; }
    ];
    session = [
      { name = "env"; enable = s.setEnvironment; control = "required"; path = module "pam_env"; args = [ "conffile=/etc/pam/environment" "readenv=0" ]; }
      { name = "unix"; enable = true; control = "required"; path = module "pam_unix"; args = [ ]; }
      { name = "loginuid"; enable = s.setLoginUid; control = if config.boot.isContainer or false then "optional" else "required"; path = module "pam_loginuid"; args = [ ]; }
      { name = "mkhomedir"; enable = s.makeHomeDir; control = "required"; path = module "pam_mkhomedir"; args = [ "silent" "skel=${cfg.makeHomeDir.skelDirectory}" "umask=${cfg.makeHomeDir.umask}" ]; }
      { name = "lastlog"; enable = s.updateWtmp; control = "required"; path = module "pam_lastlog"; args = [ "silent" ]; }
      { name = "systemd"; enable = s.startSession; control = "optional"; path = module "pam_systemd"; args = [ ]; }
      { name = "limits"; enable = s.limits != [ ]; control = "required"; path = module "pam_limits"; args = [ "conf=${limitsFile name s.limits}" ]; }
      { name = "motd"; enable = s.showMotd && motdFile != null; control = "optional"; path = module "pam_motd"; args = [ "motd=${toString motdFile}" ]; }
    ];
  };

  titles = {
    account = "Account management.";
    auth = "Authentication management.";
    password = "Password management.";
    session = "Session management.";
  };

  renderType = rules: type:
    let
      numbered = imap0 (i: r: r // { order = 10000 + 100 * i; }) rules.${type};
      line = r: "${type} ${r.control} ${r.path}${concatMapStrings (a: " " + a) r.args} # ${r.name} (order ${toString r.order})";
    in
    ''
      # ${titles.${type}}
      ${concatStringsSep "\n" (map line (filter (r: r.enable) numbered))}
    '';

  renderService = name: s:
    let rules = rulesOf name s; in
    concatStringsSep "\n" (map (renderType rules) [ "account" "auth" "password" "session" ]);

  serviceOptions = { name, config, ... }: {
    options = {
      name = mkOption {
        example = "sshd";
        type = types.str;
        description = "Name of the PAM service.";
      };
      unixAuth = flag true ''
        Whether users can log in with passwords defined in
        {file}`/etc/shadow`.
      '';
      rootOK = flag false ''
        If set, root doesn't need to authenticate (e.g. for the
        {command}`useradd` service).
      '';
      requireWheel = flag false ''
        Whether to permit root access only to members of group wheel.
      '';
      sshAgentAuth = flag false ''
        If set, the calling user's SSH agent is used to authenticate
        against the keys in the calling user's
        {file}`~/.ssh/authorized_keys`.  This is useful
        for {command}`sudo` on password-less remote systems.
      '';
      startSession = flag false ''
        If set, the service will register a new session with
        systemd's login manager.  For local sessions, this will give
        the user access to audio devices, CD-ROM drives.  In the
        default PolicyKit configuration, it also allows the user to
        reboot the system.
      '';
      setEnvironment = mkOption {
        type = types.bool;
        default = true;
        description = ''
          Whether the service should set the environment variables
          listed in {option}`environment.sessionVariables`
          using `pam_env.so`.
        '';
      };
      setLoginUid = mkOption {
        type = types.bool;
        default = config.startSession;
        defaultText = literalExpression "config.security.pam.services.<name>.startSession";
        description = ''
          Set the login uid of the process
          ({file}`/proc/self/loginuid`) for auditing
          purposes.  The login uid is only set by ‘entry points’ like
          {command}`login` and {command}`sshd`, not by
          commands like {command}`sudo`.
        '';
      };
      forwardXAuth = flag false ''
        Whether X authentication keys should be passed from the
        calling user to the target user (e.g. for
        {command}`su`)
      '';
      allowNullPassword = flag false ''
        Whether to allow logging into accounts that have no password
        set (i.e., have an empty password field in
        {file}`/etc/passwd` or
        {file}`/etc/group`).  This does not enable
        logging into disabled accounts (i.e., that have the password
        field set to `!`).  Note that regardless of
        what the pam_unix documentation says, accounts with hashed
        empty passwords are always allowed to log in.
      '';
      nodelay = flag false ''
        Whether the delay after typing a wrong password should be disabled.
      '';
      limits = mkOption {
        default = [ ];
        type = types.listOf (types.submodule {
          options = {
            domain = mkOption { type = types.str; description = "Username, groupname, or wildcard this limit applies to"; };
            type = mkOption { type = types.enum [ "-" "hard" "soft" ]; default = "-"; description = "Type of this limit"; };
            item = mkOption {
              type = types.enum [ "core" "data" "fsize" "memlock" "nofile" "rss" "stack" "cpu" "nproc" "as" "maxlogins" "maxsyslogins" "priority" "locks" "sigpending" "msgqueue" "nice" "rtprio" ];
              description = "Item this limit applies to";
            };
            value = mkOption { type = with types; oneOf [ str int ]; description = "Value of this limit"; };
          };
        });
        description = ''
          Attribute set describing resource limits.  Defaults to the
          value of {option}`security.pam.loginLimits`.
        '';
      };
      showMotd = flag false "Whether to show the message of the day.";
      makeHomeDir = flag false ''
        Whether to try to create home directories for users
        with `$HOME`s pointing to nonexistent
        locations on session login.
      '';
      updateWtmp = flag false "Whether to update {file}`/var/log/wtmp`.";
      logFailures = flag false "Whether to log authentication failures in {file}`/var/log/faillog`.";
      text = mkOption {
        type = types.nullOr types.lines;
        description = "Contents of the PAM service file.";
      };
    };

    config = {
      name = mkDefault name;
      limits = mkDefault cfg.loginLimits;
      text = mkDefault (renderService name config);
    };
  };
in
{
  options = {
    security.pam.package = mkOption {
      type = types.nullOr types.package;
      default = pkgs.linux-pam or pkgs.pam or null;
      defaultText = literalExpression "pkgs.linux-pam or null";
      description = ''
        The Linux-PAM package whose lib/security holds the PAM modules the
        service files name; null names them bare (libpam's own directory).
      '';
    };

    security.pam.loginLimits = mkOption {
      default = [ ];
      type = types.listOf types.attrs;
      example = [ { domain = "ftp"; type = "hard"; item = "nproc"; value = "0"; } ];
      description = ''
        Define resource limits that should apply to users or groups.
        Each item in the list should be an attribute set with a
        {var}`domain`, {var}`type`,
        {var}`item`, and {var}`value`
        attribute.
      '';
    };

    security.pam.services = mkOption {
      default = { };
      type = with types; attrsOf (submodule serviceOptions);
      description = ''
        This option defines the PAM services.  A service typically
        corresponds to a program that uses PAM,
        e.g. {command}`login` or {command}`passwd`.
        Each attribute of this set defines a PAM service, with the attribute name
        defining the name of the service.
      '';
    };

    security.pam.makeHomeDir.skelDirectory = mkOption {
      type = types.str;
      default = "/var/empty";
      example = "/etc/skel";
      description = ''
        Path to skeleton directory whose contents are copied to home
        directories newly created by `pam_mkhomedir`.
      '';
    };

    security.pam.makeHomeDir.umask = mkOption {
      type = types.str;
      default = "0077";
      example = "0022";
      description = ''
        The user file mode creation mask to use on home directories
        newly created by `pam_mkhomedir`.
      '';
    };

    security.pam.sshAgentAuth = {
      enable = mkOption {
        type = types.bool;
        default = false;
        description = ''
          Whether to enable authenticating using a signature performed by the ssh-agent.
          This allows using SSH keys exclusively, instead of passwords, for instance on remote machines.
        '';
      };
      authorizedKeysFiles = mkOption {
        type = with types; listOf str;
        default = [ "/etc/ssh/authorized_keys.d/%u" ];
        description = ''
          A list of paths to files in OpenSSH's `authorized_keys` format, containing
          the keys that will be trusted by the `pam_ssh_agent_auth` module.
        '';
      };
    };

    users.motd = mkOption {
      default = null;
      example = "Today is Sweetmorn, the 4th day of The Aftermath in the YOLD 3178.";
      type = types.nullOr types.lines;
      description = "Message of the day shown to users when they log in.";
    };

    users.motdFile = mkOption {
      default = null;
      example = "/etc/motd";
      type = types.nullOr types.path;
      description = ''
        A file containing the message of the day shown to users when they log in.
      '';
    };
  };

  config = {
    assertions = [
      {
        assertion = config.users.motd == null || config.users.motdFile == null;
        message = ''
          Only one of users.motd and users.motdFile can be set.
        '';
      }
    ];

    environment.etc = mapAttrs'
      (name: s: nameValuePair "pam.d/${name}" { text = s.text; })
      cfg.services
    // optionalAttrs (config.users.motd != null) {
      motd.text = config.users.motd;
    } // {
      # pam_env's file, as nixpkgs' config/system-environment.nix writes it.
      "pam/environment".text = concatStringsSep "\n" (mapAttrsToList
        (n: v: ''${n}   DEFAULT="${concatStringsSep ":" (map toString (toList v))}"'')
        (config.environment.sessionVariables or { }));
    };

    security.pam.services = {
      other.text = ''
        auth     required ${module "pam_warn"}
        auth     required ${module "pam_deny"}
        account  required ${module "pam_warn"}
        account  required ${module "pam_deny"}
        password required ${module "pam_warn"}
        password required ${module "pam_deny"}
        session  required ${module "pam_warn"}
        session  required ${module "pam_deny"}
      '';

      chsh = { rootOK = true; };
      chfn = { rootOK = true; };
      su = { rootOK = true; forwardXAuth = true; logFailures = true; };
      passwd = { };
      # useradd, groupadd etc. aren't setuid root, so it doesn't really
      # matter what the PAM config says as long as it lets root in.
      useradd.rootOK = true;
      usermod.rootOK = true;
      userdel.rootOK = true;
      groupadd.rootOK = true;
      groupmod.rootOK = true;
      groupmems.rootOK = true;
      groupdel.rootOK = true;
      login = { startSession = true; allowNullPassword = true; showMotd = true; updateWtmp = true; };
      chpasswd = { rootOK = true; };
      runuser = { rootOK = true; unixAuth = false; setEnvironment = false; };
      "runuser-l" = { rootOK = true; unixAuth = false; };
    };
  };
}
