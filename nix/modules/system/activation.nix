# system.activationScripts (with deps, ordered by lib.stringsWithDeps) and
# system.build (nixpkgs' system/activation/activation-script.nix). The `script`
# attribute is the whole activation script, as NixOS's: each snippet reports its
# own failure, the script's status is 1 when any failed, and at the end
# /run/current-system points at the configuration (@out@, substituted by the
# toplevel, system/top-level.nix).
{ config, lib, pkgs, ... }:
with lib;
let
  scriptType = types.either types.str (types.submodule {
    options = {
      deps = mkOption { type = types.listOf types.str; default = [ ]; description = "List of dependencies. The script will run after these."; };
      text = mkOption { type = types.lines; description = "The content of the script."; };
      supportsDryActivation = mkOption { type = types.bool; default = false; description = "Whether this activation script supports being dry-activated."; };
    };
  });
  asEntry = v: if isString v then noDepEntry v else v;

  # Each snippet under its name, its failure reported (NixOS's addAttributeName;
  # `[ ]` instead of bash's `(( ))` so busybox's sh runs it too).
  withNames = mapAttrs (a: v: let e = asEntry v; in e // {
    text = ''
      #### Activation script snippet ${a}:
      _localstatus=0
      ${e.text}

      if [ "$_localstatus" -gt 0 ]; then
        printf "Activation script snippet '%s' failed (%s)\\n" "${a}" "$_localstatus"
      fi
    '';
  });

  # A snippet naming a dependency nobody defines: say which, instead of
  # stringsWithDeps' "attribute missing".
  checkDeps = set: let
    bad = concatLists (mapAttrsToList (n: v: map (d: "`system.activationScripts.${n}' depends on `${d}', which no module defines")
      (filter (d: !(set ? ${d})) (asEntry v).deps)) set);
  in if bad == [ ] then set else throw (concatStringsSep "\n" bad);

  # The programs the activation snippets may call (NixOS's path: coreutils,
  # grep, findutils, getent, shadow, util-linux), those the package set has.
  path = concatMap (n: optional (pkgs ? ${n}) pkgs.${n}) [ "coreutils" "gnugrep" "gnused" "gawk" "findutils" "getent" "shadow" "util-linux" "mount" ]
    ++ optional (config.system.build.awk != null) config.system.build.awk;

  script = set: ''
    #!${pkgs.runtimeShell}

    systemConfig='@out@'

    export PATH=/empty
    for i in ${toString path}; do
        PATH=$PATH:$i/bin:$i/sbin
    done

    _status=0
    trap "_status=1 _localstatus=\$?" ERR

    # Ensure a consistent umask.
    umask 0022

    ${let s = withNames (checkDeps set); in textClosureMap id s (attrNames s)}

    # Make this configuration the current configuration.
    # The readlink is there to ensure that when $systemConfig = /system
    # (which is a symlink to the store), /run/current-system is still
    # used as a garbage collection root.
    ln -sfn "$(readlink -f "$systemConfig")" /run/current-system

    # Prevent the current configuration from being garbage-collected.
    mkdir -p /nix/var/nix/gcroots
    ln -sfn /run/current-system /nix/var/nix/gcroots/current-system

    exit $_status
  '';
in
{
  options.system = {
    activationScripts = mkOption {
      default = { };
      type = types.attrsOf scriptType;
      description = "A set of shell script fragments that are executed when a NixOS system configuration is activated.";
      apply = set: set // { script = script set; };
    };
    build = mkOption {
      internal = true;
      default = { };
      type = types.submoduleWith { modules = [ { freeformType = with types; lazyAttrsOf (uniq unspecified); } ]; };
      description = "Attribute set of derivations used to set up the system.";
    };
  };

  # specialfs (mounting /proc, /sys, /dev, /run) is the stage-2 side's
  # (system/activation/specialfs.nix); snippets name it in their deps
  # (security.wrappers), so an empty one at the lowest priority keeps that
  # order defined where no module gives the real snippet.
  config.system.activationScripts.specialfs = mkOptionDefault "";
}
