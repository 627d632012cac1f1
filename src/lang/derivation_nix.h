// The source of the `derivation` builtin. Like Nix, Bastion writes it in the
// Nix language on top of derivationStrict, so that it stays lazy. Error
// traces name it «nix-internal»/derivation-internal.nix, as Nix does, and the
// layout keeps `outPath` on line 49 so that traces read the same.
#pragma once

namespace bastion::lang {

inline constexpr const char *kDerivationNixPath = "«nix-internal»/derivation-internal.nix";

inline constexpr const char *kDerivationNixSource =
    R"NIX(# The `derivation` builtin, written in the Nix language on top of the
# `derivationStrict` primop.
#
# derivationStrict does the work: it turns the attributes into a .drv,
# writes it and returns { drvPath = …; <output> = <output path>; … }.
# This wrapper shapes that into the value users see:
#
#   * one attribute set per output, each with `outPath`, `drvPath`,
#     `outputName`, `type = "derivation"` and the caller's attributes;
#   * every output's set also holds all outputs by name and the list
#     `all`, so that `drv.dev.out` and `drv.all` work from any output;
#   * the result is the set of the first output.
#
# Everything stays lazy: reading `name` or `meta` from the result does
# not call derivationStrict, so listing packages never instantiates them.
#
# Errors name this text «nix-internal»/derivation-internal.nix, as in Nix.
#
# It is bound in the base scope only: a user's own variable named
# `derivationStrict` cannot change what it calls.

let
  inherit (builtins) head listToAttrs map;

  defaultOutputs = [ "out" ];
in

drvAttrs@{
  outputs ? defaultOutputs,
  ...
}:

let

  strict = derivationStrict drvAttrs;

  commonAttrs =
    drvAttrs
    // (listToAttrs outputsList)
    // {
      all = map (x: x.value) outputsList;
      inherit drvAttrs;
      type = "derivation";
    };

  outputToAttrListElement = outputName: {
    name = outputName;
    value = commonAttrs // {
      outPath = strict.${outputName};
      drvPath = strict.drvPath;
      inherit outputName;
    };
  };

  outputsList = map outputToAttrListElement outputs;

in
(head outputsList).value
)NIX";

} // namespace bastion::lang
