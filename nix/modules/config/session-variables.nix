# environment.variables and environment.sessionVariables (nixpkgs'
# config/shells-environment.nix and config/system-environment.nix): values
# are strings, a list is joined with ":"; the session variables reach PAM
# sessions through pam_env (security/pam.nix writes etc/pam/environment) and
# are merged into environment.variables, the login shells' ones.
{ config, lib, ... }:
with lib;
let
  varType = with types; attrsOf (oneOf [ (listOf (oneOf [ int str path ])) int str path ]);
  asStrings = mapAttrs (n: v: if isList v then concatMapStringsSep ":" toString v else toString v);
in
{
  options.environment = {
    variables = mkOption {
      default = { };
      example = { EDITOR = "nvim"; VISUAL = "nvim"; };
      description = ''
        A set of environment variables used in the global environment.
        These variables will be set on shell initialisation (e.g. in /etc/profile).
        The value of each variable can be either a string or a list of
        strings.  The latter is concatenated, interspersed with colon
        characters.
      '';
      type = varType;
      apply = asStrings;
    };
    sessionVariables = mkOption {
      default = { };
      description = ''
        A set of environment variables used in the global environment.
        These variables will be set by PAM early in the login process.

        The value of each session variable can be either a string or a
        list of strings. The latter is concatenated, interspersed with
        colon characters.

        Note, due to limitations in the PAM format values may not
        contain the `"` character.

        Also, these variables are merged into
        [](#opt-environment.variables) and it is
        therefore not possible to use PAM style variables such as
        `@{HOME}`.
      '';
      type = varType;
      apply = asStrings;
    };
  };

  config.environment.variables = config.environment.sessionVariables;
}
