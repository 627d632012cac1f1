# The entry point from a configuration.nix to an evaluated system, in the
# shape of nixpkgs' nixos/lib/eval-config.nix: the base modules (nix/modules)
# and the user's configuration go through lib.evalModules; the result has
# config, options, and the toplevel derivation at config.system.build.toplevel.
#
#   import <bastion/os/eval-config.nix> { configuration = ./configuration.nix; }
#
# `lib` defaults to Bastion's own (nix/lib); tests may pass another one.
# `pkgs`, when given, is the default of nixpkgs.pkgs.
{ configuration
, lib ? import ../lib
, pkgs ? null
, specialArgs ? { }
, extraModules ? [ ]
, baseModules ? import ../modules/module-list.nix
}:
let
  modulesPath = ../modules;

  pkgsModule = lib.optional (pkgs != null) {
    _file = "${toString ./eval-config.nix} (the pkgs argument)";
    key = "bastion-eval-config-pkgs";
    config.nixpkgs.pkgs = lib.mkDefault pkgs;
  };

  # The file the configuration came from, for system.copySystemConfiguration.
  sourceModule = lib.optional (builtins.isPath configuration) {
    _file = "${toString ./eval-config.nix} (the configuration argument)";
    key = "bastion-eval-config-source";
    config.system.configurationSource = configuration;
  };

  evalWith = base: lib.evalModules {
    modules = base ++ pkgsModule ++ sourceModule ++ extraModules
      ++ (if builtins.isList configuration then configuration else [ configuration ]);
    specialArgs = { inherit modulesPath baseModules; } // specialArgs;
  };

  # A user's module declaring what a built-in one declares replaces it
  # (nix-community/impermanence's environment.persistence): replaceable.nix.
  eval = evalWith ((import ./replaceable.nix { inherit lib; }).baseModulesFor evalWith baseModules);
in
eval // {
  inherit modulesPath;
  # The assertions that failed and the warnings, for `bastion os eval` and
  # `os build` to report (they do not depend on the toplevel being built).
  failedAssertions = map (a: a.message) (lib.filter (a: !a.assertion) eval.config.assertions);
  warnings = eval.config.warnings;
}
