# lib.customisation: overridable functions and package calls.
{ lib }:
let
  b = builtins;
in
rec {
  # f's result, with `override` (new arguments) and `overrideDerivation`.
  makeOverridable =
    f:
    let
      wrapped =
        origArgs:
        let
          result = f origArgs;
          again = newArgs: wrapped (origArgs // (if lib.isFunction newArgs then newArgs origArgs else newArgs));
          extras = {
            override = again;
            overrideDerivation = fdrv: overrideDerivation result fdrv;
          };
        in
        if b.isAttrs result then
          result // extras
        else if lib.isFunction result then
          {
            override = again;
            __functor = _: result;
          }
        else
          result;
    in
    lib.setFunctionArgs wrapped (lib.functionArgs f);

  overrideDerivation =
    drv: f:
    let
      newDrv = derivation (drv.drvAttrs // (f drv));
    in
    lib.flip (extendDerivation (b.seq drv.drvPath true)) newDrv (
      {
        meta = drv.meta or { };
        passthru = if drv ? passthru then drv.passthru else { };
      }
      // (drv.passthru or { })
    );

  callPackageWith =
    autoArgs: fn: args:
    let
      f = if lib.isFunction fn then fn else import fn;
      wanted = lib.functionArgs f;
      given = b.intersectAttrs wanted autoArgs // args;
      missing = lib.filterAttrs (n: hasDefault: !hasDefault && !(given ? ${n})) wanted;
      names = b.attrNames missing;
    in
    if names == [ ] then
      makeOverridable f given
    else
      abort "lib.customisation.callPackageWith: Function called without required argument \"${b.head names}\"";
  callPackagesWith =
    autoArgs: fn: args:
    let
      f = if lib.isFunction fn then fn else import fn;
      given = b.intersectAttrs (lib.functionArgs f) autoArgs // args;
    in
    b.mapAttrs (_: v: v) (f given);

  extendDerivation =
    condition: passthru: drv:
    let
      outputs = drv.outputs or [ "out" ];
      common = drv // passthru // lib.genAttrs outputs (o: output o) // { all = map output outputs; };
      output =
        o:
        drv.${o}
        // passthru
        // {
          inherit (drv.${o}) type outputName;
          outputSpecified = true;
          drvPath = assert condition; drv.${o}.drvPath;
          outPath = assert condition; drv.${o}.outPath;
        };
    in
    common
    // {
      drvPath = assert condition; drv.drvPath;
      outPath = assert condition; drv.outPath;
    };

  hydraJob = lib.id;
  makeScope =
    newScope: f:
    let
      self = f self // {
        newScope = scope: newScope (self // scope);
        callPackage = self.newScope { };
        overrideScope = g: makeScope newScope (lib.extends g f);
        packages = f;
      };
    in
    self;
}
