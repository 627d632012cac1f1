# What `bastion os eval/options/build` evaluate (src/cli/os.cpp): one
# configuration file through eval-config.nix, and
#   checked    true after NixOS's checks: failed assertions throw
#              "\nFailed assertions:\n- …", warnings are printed as traces
#   config     the evaluated configuration, printable: functions shown as
#              "«function»", the package set (nixpkgs.pkgs) as "«package set»"
#              instead of every package in it; derivations stay (JSON: their
#              out path); hidden options and values that throw left out
#   options    every declared option (lib.optionAttrSetToDocList), keyed by
#              its name: type, default, description, declarations, …; a
#              default or example that fails to evaluate is left to fail
#              there, so os.cpp shows it as nixos-option does («error: …»)
#   toplevel   config.system.build.toplevel
# Without nixpkgs.pkgs the configuration gets <bastion/pkgs> (misc/nixpkgs.nix).
{ configFile }:
let
  lib = import ../lib;
  eval = import ./eval-config.nix { configuration = if configFile == null then { } else configFile; };

  checked =
    if eval.failedAssertions != [ ]
    then throw "\nFailed assertions:\n${lib.concatStringsSep "\n" (map (x: "- ${x}") eval.failedAssertions)}"
    else lib.showWarnings eval.warnings true;

  # Attributes that fail to evaluate (an option of a submodule nobody set,
  # which NixOS's printing trips over too) are left out, as are the hidden
  # options (the old names of renamed options, whose use warns).
  printable = opts: path: v:
    if lib.isDerivation v then v
    else if builtins.isFunction v then "«function»"
    else if path == [ "nixpkgs" "pkgs" ] || (builtins.isAttrs v && (v._type or null) == "pkgs") then "«package set»"
    else if builtins.isAttrs v then
      let
        hidden = n: opts ? ${n} && lib.isOption opts.${n} && (opts.${n}.visible or true) == false;
        keep = lib.filter (n: !hidden n && (builtins.tryEval v.${n}).success) (builtins.attrNames v);
        sub = n:
          if opts ? __elem then opts.__elem
          else if !(opts ? ${n}) then { }
          else if lib.isOption opts.${n} then subOptions opts.${n}.type
          else opts.${n};
      in builtins.listToAttrs (map (n: { name = n; value = printable (sub n) (path ++ [ n ]) v.${n}; }) keep)
    else if builtins.isList v then
      map (printable (opts.__elem or { }) path) (lib.filter (x: (builtins.tryEval x).success) v)
    else v;

  # The options inside a submodule-typed value, to find the hidden ones there;
  # { __elem = …; } for an attrsOf/listOf of submodules.
  subOptions = t:
    if t.name == "submodule" then t.getSubOptions [ ]
    else if builtins.elem t.name [ "attrsOf" "lazyAttrsOf" "listOf" ] && (t.nestedTypes.elemType.name or "") == "submodule"
    then { __elem = t.nestedTypes.elemType.getSubOptions [ ]; }
    else { };

  docList = lib.optionAttrSetToDocList eval.options;

  options = builtins.listToAttrs (map (o: {
    inherit (o) name;
    value = builtins.removeAttrs o [ "name" "visible" ]
      // { declarations = map toString o.declarations; };
  }) (lib.filter (o: o.visible && !o.internal) docList));
in
{
  inherit checked options;
  config = printable eval.options [ ] eval.config;
  # The toplevel checks assertions and prints warnings itself (top-level.nix).
  toplevel = eval.config.system.build.toplevel;
}
