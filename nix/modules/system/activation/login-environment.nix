# The login PATH (nixpkgs' config/shells-environment.nix,
# config/system-environment.nix and security/wrappers): the set-id wrappers
# first, then each of environment.profiles' bin/ — the user's own profile,
# /etc/profiles/per-user/$USER, the default profile, the system's sw. It is
# written twice: into /etc/profile for login shells, and into pam_env's
# /etc/pam/environment (as PATH DEFAULT=…, $HOME and $USER spelled as
# pam_env's @{HOME} and @{PAM_USER}), which sshd's PAM session reads, so
# commands run over SSH get the same PATH. environment.variables are
# exported by /etc/set-environment, which /etc/profile sources once.
{ config, lib, ... }:
with lib;
let
  cfg = config.environment;
  path = concatStringsSep ":" ([ config.security.wrapperDir ] ++ map (p: "${p}/bin") cfg.profiles);
  pamPath = replaceStrings [ "$HOME" "$USER" ] [ "@{HOME}" "@{PAM_USER}" ] path;
in
{
  options.environment = {
    profiles = mkOption {
      type = types.listOf types.str;
      description = "A list of profiles used to setup the global environment.";
    };
    extraInit = mkOption {
      type = types.lines;
      default = "";
      description = "Shell script code called during global environment initialisation after all variables and profileVariables have been set.";
    };
    loginShellInit = mkOption {
      type = types.lines;
      default = "";
      description = "Shell script code called during login shell initialisation.";
    };
  };

  config = {
    # The order of the talk: the user's own profile, the per-user one, the
    # default profile, then the system's.
    environment.profiles = [
      "$HOME/.nix-profile"
      "/etc/profiles/per-user/$USER"
      "/nix/var/nix/profiles/default"
      "/run/current-system/sw"
    ];

    environment.etc.profile.text = ''
      # /etc/profile: DO NOT EDIT -- this file has been generated automatically.
      # Only execute this file once per shell.
      if [ -n "''${__ETC_PROFILE_SOURCED-}" ]; then return; fi
      __ETC_PROFILE_SOURCED=1
      export __ETC_PROFILE_SOURCED

      USER="''${USER:-$(id -un 2>/dev/null)}"
      export USER
      # environment.variables (and the session variables merged into them).
      if [ -z "''${__NIXOS_SET_ENVIRONMENT_DONE-}" ]; then
          . /etc/set-environment
      fi
      export PATH="${path}"
      ${cfg.extraInit}
      ${cfg.loginShellInit}
    '';

    # nixpkgs' shells-environment.nix: `export NAME="VALUE"`, unquoted
    # inside the quotes as NixOS writes them, so a value may name $HOME.
    environment.etc.set-environment.text = ''
      # DO NOT EDIT -- this file has been generated automatically.

      # Prevent this file from being sourced by child shells.
      export __NIXOS_SET_ENVIRONMENT_DONE=1

      ${concatStringsSep "\n" (mapAttrsToList (n: v: ''export ${n}="${v}"'') cfg.variables)}
    '';

    environment.etc."pam/environment".text = mkAfter ''
      PATH DEFAULT="${pamPath}"
    '';
  };
}
