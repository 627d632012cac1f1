# users.users.<name>.packages as /etc/profiles/per-user/<name> (nixpkgs'
# config/users-groups.nix): one buildEnv per user with packages, an
# environment.etc entry, so /etc activation links it and the login PATH
# (login-environment.nix) finds its bin/.
{ config, lib, pkgs, ... }:
with lib;
{
  config.environment.etc = mapAttrs'
    (_: u: nameValuePair "profiles/per-user/${u.name}" {
      source = pkgs.buildEnv {
        name = "user-environment";
        paths = u.packages;
        pathsToLink = [ "/bin" "/sbin" "/lib" "/share" "/etc" ];
      };
    })
    (filterAttrs (_: u: u.packages != [ ]) config.users.users);
}
