# Built-in modules a module of the user's replaces instead of colliding
# with: each is left out of the base modules when the other modules declare
# the option it declares — so importing nix-community/impermanence's
# nixos.nix (which declares environment.persistence) replaces our
# tasks/persistence.nix, as its users expect.
#
# The decision needs only which options the other modules declare: a first
# evaluation without the replaceable modules, with _module.check off (the
# user's definitions of the option are no error there), is asked for the
# option's name and nothing else, so it forces only the declarations.
{ lib }:
let
  replaceable = [
    { module = ../modules/tasks/persistence.nix; option = [ "environment" "persistence" ]; }
  ];
in
{
  # evalWith: base modules → the evaluation (lib.evalModules' result) with them.
  baseModulesFor = evalWith: baseModules:
    let
      present = lib.filter (r: lib.elem r.module baseModules) replaceable;
      others = lib.filter (m: !(lib.any (r: r.module == m) present)) baseModules;
      probe = evalWith (others ++ [ { _file = toString ./replaceable.nix; _module.check = lib.mkForce false; } ]);
      replaced = lib.filter (r: lib.hasAttrByPath r.option probe.options) present;
    in
    if present == [ ] then baseModules
    else lib.filter (m: !(lib.any (r: r.module == m) replaced)) baseModules;
}
