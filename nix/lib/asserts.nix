# lib.asserts: assertions whose failure says why.
{ lib }:
{
  assertMsg = pred: msg: pred || builtins.throw msg;
  assertOneOf =
    name: val: xs:
    lib.assertMsg (builtins.elem val xs) "${name} must be one of ${lib.generators.toPretty { } xs}, but is: ${lib.generators.toPretty { } val}";
  assertEachOneOf =
    name: vals: xs:
    lib.assertMsg (lib.all (v: builtins.elem v xs) vals) "each element in ${name} must be one of ${lib.generators.toPretty { } xs}, but is: ${lib.generators.toPretty { } vals}";
}
