# The `etc` activation snippet (nixpkgs' system/etc/etc.nix): /etc made from
# system.build.etc by setup-etc.sh, after the users (a copied file's owner
# is looked up in the /etc/passwd and /etc/group they write). The names of
# system.build.etcUnmanaged (passwd, group, shadow: the users snippet's) are
# left as activation wrote them.
{ config, lib, pkgs, ... }:
with lib;
{
  config = {
    system.build.etcActivationCommands = ''
      # Set up the statically computed bits of /etc.
      echo "setting up /etc..."
      ${pkgs.runtimeShell} ${./setup-etc.sh} ${config.system.build.etc}/etc ${escapeShellArgs (config.system.build.etcUnmanaged or [ ])}
    '';
    system.activationScripts.etc = stringAfter [ "users" "groups" ] config.system.build.etcActivationCommands;
  };
}
