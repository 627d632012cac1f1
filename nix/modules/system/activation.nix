# system.activationScripts (with deps, ordered by lib.stringsWithDeps) and
# system.build (nixpkgs' system/activation/activation-script.nix, top-level.nix).
# The toplevel derivation itself is not written yet.
{ config, lib, ... }:
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
in
{
  options.system = {
    activationScripts = mkOption {
      default = { };
      type = types.attrsOf scriptType;
      description = "A set of shell script fragments that are executed when a NixOS system configuration is activated.";
      apply = set: set // {
        script = textClosureMap id (mapAttrs (_: asEntry) set) (attrNames set);
      };
    };
    build = mkOption {
      internal = true;
      default = { };
      type = types.submoduleWith { modules = [ { freeformType = with types; lazyAttrsOf (uniq unspecified); } ]; };
      description = "Attribute set of derivations used to set up the system.";
    };
  };
}
