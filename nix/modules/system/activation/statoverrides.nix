# dpkg-statoverride records applied at activation. pkgs.debian.usr keeps the
# `dpkg-statoverride --add USER GROUP MODE PATH` lines of its packages'
# postinst scripts in nix-support/statoverrides (nix/pkgs/build-support/
# debian-usr.sh); Debian would chown/chmod PATH in place. Here:
#   - a program under /usr lives in the read-only, mode-less store, so it
#     gets what NixOS gives such programs: a copy in the wrapper directory
#     (security.wrappers' /run/wrappers/bin) with that owner and mode,
#     unless a declared wrapper already has its name;
#   - any other path under /usr cannot be changed and is reported;
#   - a path outside /usr (/var/log/…, /etc/… copied files) is changed in
#     place when it exists and is not a link (into the store, say), as
#     `dpkg-statoverride --update` does.
# The records are read when the system activates, not at evaluation, so the
# package set's builds need not run to evaluate a configuration.
{ config, lib, ... }:
with lib;
let
  packages = unique (map toString config.environment.systemPackages);
in
{
  config.system.activationScripts.statoverrides = stringAfter [ "users" "groups" "wrappers" ] ''
    # dpkg-statoverride records of the system's packages.
    _wrappers=$(readlink -f ${escapeShellArg config.security.wrapperDir})
    for _pkg in ${escapeShellArgs packages}; do
      [ -f "$_pkg/nix-support/statoverrides" ] || continue
      while read -r _owner _group _mode _path; do
        [ -n "$_path" ] || continue
        case "$_path" in
          /usr/*)
            _name=''${_path##*/}
            if [ -e "$_wrappers/$_name" ]; then
              echo "statoverride of $_path: the wrapper $_name is declared, kept" >&2
            elif [ -f "$_pkg$_path" ] && [ -x "$_pkg$_path" ]; then
              { cp "$_pkg$_path" "$_wrappers/.$_name.tmp" &&
                chown "$_owner:$_group" "$_wrappers/.$_name.tmp" &&
                chmod "$_mode" "$_wrappers/.$_name.tmp" &&
                mv "$_wrappers/.$_name.tmp" "$_wrappers/$_name"; } ||
                { echo "statoverride of $_path ($_owner:$_group $_mode) failed" >&2; _localstatus=1; }
            else
              echo "statoverride of $_path not applied: it is in the read-only store and not a program" >&2
            fi
            ;;
          *)
            if [ -e "$_path" ] && [ ! -L "$_path" ]; then
              { chown "$_owner:$_group" "$_path" && chmod "$_mode" "$_path"; } ||
                { echo "statoverride of $_path ($_owner:$_group $_mode) failed" >&2; _localstatus=1; }
            fi
            ;;
        esac
      done <"$_pkg/nix-support/statoverrides"
    done
  '';
}
