# lib.generators: values rendered as configuration-file text, and
# toPretty, the Nix-like rendering error messages show definitions in.
{ lib }:
let
  b = builtins;
  inherit (b)
    isInt
    isFloat
    isString
    isList
    isAttrs
    isPath
    concatStringsSep
    ;
  inherit (lib) isFunction isDerivation;
in
rec {
  mkValueStringDefault =
    { }:
    v:
    let
      unsupported = what: abort "generators.mkValueStringDefault: ${what} not supported: ${toPretty { } v}";
    in
    if isInt v || isDerivation v then
      toString v
    else if isString v then
      v
    else if v == true then
      "true"
    else if v == false then
      "false"
    else if v == null then
      "null"
    else if isList v then
      unsupported "lists"
    else if isAttrs v then
      unsupported "attrsets"
    else if isFunction v then
      unsupported "functions"
    else if isFloat v then
      lib.floatToString v
    else
      abort "generators.mkValueStringDefault: this value is not supported: ${toString v}";

  mkKeyValueDefault =
    {
      mkValueString ? mkValueStringDefault { },
    }:
    sep: k: v:
    "${lib.escape [ sep ] k}${sep}${mkValueString v}";

  toKeyValue =
    {
      mkKeyValue ? mkKeyValueDefault { } "=",
      listsAsDuplicateKeys ? false,
      indent ? "",
    }:
    attrs:
    lib.concatStrings (
      b.concatMap (
        k:
        let
          v = attrs.${k};
          vs = if listsAsDuplicateKeys && isList v then v else [ v ];
        in
        map (x: indent + mkKeyValue k x + "\n") vs
      ) (b.attrNames attrs)
    );

  toINI =
    {
      mkSectionName ? (name: lib.escape [ "[" "]" ] name),
      mkKeyValue ? mkKeyValueDefault { } "=",
      listsAsDuplicateKeys ? false,
    }:
    sections:
    concatStringsSep "\n" (
      lib.mapAttrsToList (
        name: values:
        "[${mkSectionName name}]\n" + toKeyValue { inherit mkKeyValue listsAsDuplicateKeys; } values
      ) sections
    );

  toINIWithGlobalSection =
    {
      mkSectionName ? (name: lib.escape [ "[" "]" ] name),
      mkKeyValue ? mkKeyValueDefault { } "=",
      listsAsDuplicateKeys ? false,
    }:
    {
      globalSection,
      sections ? { },
    }:
    lib.optionalString (globalSection != { }) (
      toKeyValue { inherit mkKeyValue listsAsDuplicateKeys; } globalSection + "\n"
    )
    + toINI { inherit mkSectionName mkKeyValue listsAsDuplicateKeys; } sections;

  toJSON = { }: b.toJSON;
  # JSON is a subset of YAML 1.2.
  toYAML = { }: b.toJSON;

  # Replace what lies deeper than `depthLimit` by "<unevaluated>" (or fail),
  # so that printing a value cannot loop forever.
  withRecursion =
    {
      depthLimit,
      throwOnDepthLimit ? true,
    }:
    assert isInt depthLimit;
    let
      special = [
        "__functor"
        "__functionArgs"
        "__toString"
        "__pretty"
      ];
      cut =
        depth: v:
        if depth > depthLimit then
          if throwOnDepthLimit then
            throw "Exceeded maximum eval-depth limit of ${toString depthLimit} while trying to evaluate with `generators.withRecursion'!"
          else
            "<unevaluated>"
        else
          walk depth v;
      walk =
        depth: v:
        if isAttrs v then
          b.mapAttrs (n: x: if b.elem n special then x else cut (depth + 1) x) v
        else if isList v then
          map (cut (depth + 1)) v
        else
          v;
    in
    walk 0;

  toPretty =
    {
      allowPrettyValues ? false,
      multiline ? true,
      indent ? "",
    }:
    let
      render =
        ind: v:
        let
          open = if multiline then "\n${ind}  " else " ";
          close = if multiline then "\n${ind}" else " ";
          inner = render (ind + "  ");
        in
        if isInt v then
          toString v
        else if isFloat v then
          b.toJSON v
        else if isString v then
          renderString open close v
        else if v == true then
          "true"
        else if v == false then
          "false"
        else if v == null then
          "null"
        else if isPath v then
          toString v
        else if isList v then
          if v == [ ] then "[ ]" else "[" + open + concatStringsSep open (map inner v) + close + "]"
        else if isFunction v then
          let
            args = b.functionArgs v;
            shown = concatStringsSep ", " (lib.mapAttrsToList (n: opt: if opt then n + "?" else n) args);
          in
          if args == { } then "<function>" else "<function, args: {${shown}}>"
        else if isAttrs v then
          if allowPrettyValues && v ? __pretty && v ? val then
            v.__pretty v.val
          else if v == { } then
            "{ }"
          else if v.type or null == "derivation" then
            "<derivation ${v.name or "???"}>"
          else
            "{"
            + open
            + concatStringsSep open (
              lib.mapAttrsToList (
                n: x:
                "${lib.escapeNixIdentifier n} = ${
                  b.addErrorContext "while evaluating an attribute `${n}`" (inner x)
                };"
              ) v
            )
            + close
            + "}"
        else
          abort "generators.toPretty: should never happen (v = ${v})";
      renderString =
        open: close: s:
        let
          lines = b.filter isString (b.split "\n" s);
          quoted = "\"" + concatStringsSep "\\n" (map (lib.escape [ "\\" "\"" "\${" ]) lines) + "\"";
          indented = map (b.replaceStrings [ "\${" "''" ] [ "''\${" "'''" ]) lines;
          lastLine = lib.last indented;
          block =
            "''"
            + open
            + concatStringsSep open (lib.init indented)
            + (if lastLine == "" then close else open + lastLine)
            + "''";
        in
        if multiline && b.length lines > 1 then block else quoted;
    in
    render indent;
}
