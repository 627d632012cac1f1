# lib.options: declaring options, the basic merge functions, and the
# texts that name options and definitions in error messages.
{ lib }:
let
  b = builtins;
  inherit (b)
    length
    head
    tail
    filter
    isList
    isAttrs
    concatStringsSep
    ;
  # The closing line of every conflict message.
  prioritySuggestion = ''
    Use `lib.mkForce value` or `lib.mkDefault value` to change the priority on any of these definitions.
  '';
in
rec {
  inherit prioritySuggestion;

  isOption = v: v._type or null == "option";

  # Records the declaration; the module system reads the fields it knows.
  # The fields it accepts are named so that a misspelt one is an error.
  mkOption =
    decl@{
      type ? null, default ? null, defaultText ? null, example ? null, description ? null,
      apply ? null, readOnly ? null, internal ? null, visible ? null, relatedPackages ? null,
    }:
    decl // { _type = "option"; };

  mkEnableOption =
    name:
    mkOption {
      default = false;
      example = true;
      description = "Whether to enable ${name}.";
      type = lib.types.bool;
    };

  mkPackageOption =
    pkgs: name:
    {
      nullable ? false,
      default ? name,
      example ? null,
      extraDescription ? "",
      pkgsText ? "pkgs",
    }:
    let
      shortName = if isList name then lib.last name else name;
      path = lib.toList default;
      shown = lib.showAttrPath path;
      fromDefault =
        if default != null then
          {
            default = lib.attrByPath path (throw "${shown} cannot be found in ${pkgsText}") pkgs;
            defaultText = literalExpression "${pkgsText}.${shown}";
          }
        else if nullable then
          { default = null; }
        else
          { };
      fromExample = lib.optionalAttrs (example != null) {
        example = literalExpression (
          if isList example then "${pkgsText}.${lib.showAttrPath example}" else example
        );
      };
    in
    mkOption (
      fromDefault
      // {
        description =
          "The ${shortName} package to use." + (if extraDescription == "" then "" else " " + extraDescription);
        type = if nullable then lib.types.nullOr lib.types.package else lib.types.package;
      }
      // fromExample
    );

  mkSinkUndeclaredOptions =
    attrs:
    mkOption (
      {
        internal = true;
        visible = false;
        default = false;
        description = "Sink for option definitions.";
        type = lib.types.mkOptionType {
          name = "sink";
          check = _: true;
          merge = _: _: false;
        };
        apply = _: throw "Option value is not readable because the option is not declared.";
      }
      // attrs
    );

  # The merge of types.unspecified: whatever the definitions allow.
  mergeDefaultOption =
    loc: defs:
    let
      vs = getValues defs;
      allAre = pred: lib.all pred vs;
    in
    if length vs == 1 then
      head vs
    else if allAre lib.isFunction then
      x: mergeDefaultOption loc (map (f: f x) vs)
    else if allAre isList then
      b.concatLists vs
    else if allAre isAttrs then
      b.foldl' (acc: v: acc // v) { } vs
    else if allAre b.isBool then
      lib.any lib.id vs
    else if allAre b.isString then
      concatStringsSep "" vs
    else if allAre b.isInt && allAre (x: x == head vs) then
      head vs
    else
      throw "Cannot merge definitions of `${showOption loc}'. Definition values:${showDefs defs}";

  mergeUniqueOption =
    { message, merge ? loc: defs: (head defs).value }:
    loc: defs:
    assert defs != [ ];
    if tail defs == [ ] then
      merge loc defs
    else
      throw "The option `${showOption loc}' is defined multiple times while it's expected to be unique.\n${message}\nDefinition values:${showDefs defs}\n${prioritySuggestion}";
  mergeOneOption = mergeUniqueOption { message = ""; };

  mergeEqualOption =
    loc: defs:
    if defs == [ ] then
      abort "This case should never happen."
    else if length defs == 1 then
      (head defs).value
    else
      let
        first = head defs;
        clash = lib.findFirst (d: d.value != first.value) null (tail defs);
      in
      if clash == null then
        first.value
      else
        throw "The option `${showOption loc}' has conflicting definition values:${
          showDefs [
            first
            clash
          ]
        }\n${prioritySuggestion}";

  getValues = map (d: d.value);
  getFiles = map (d: d.file);

  # Option values with the module system's wrappers removed, for docs.
  scrubOptionValue =
    x:
    if lib.isDerivation x then
      {
        type = "derivation";
        drvPath = x.name;
        outPath = x.name;
        name = x.name;
      }
    else if isList x then
      map scrubOptionValue x
    else if isAttrs x then
      b.mapAttrs (_: scrubOptionValue) (b.removeAttrs x [ "_args" ])
    else
      x;

  renderOptionValue =
    v:
    if v ? _type && v ? text then
      v
    else
      literalExpression (
        lib.generators.toPretty { multiline = true; } v
      );

  literalExpression =
    text:
    if !b.isString text then
      throw "literalExpression expects a string."
    else
      {
        _type = "literalExpression";
        inherit text;
      };
  literalExample = literalExpression;
  literalCode =
    language: text:
    {
      _type = "literalMD";
      text = "```${language}\n${text}\n```";
    };
  literalMD =
    text:
    if !b.isString text then
      throw "literalMD expects a string."
    else
      {
        _type = "literalMD";
        inherit text;
      };
  mdDoc = lib.id;

  # Every visible option below `options` as a flat list, for docs and
  # `bastion os options`.
  optionAttrSetToDocList = optionAttrSetToDocList' [ ];
  optionAttrSetToDocList' =
    _: options:
    b.concatMap (
      opt:
      let
        name = showOption opt.loc;
        visible = opt.visible or true;
        docOption = {
          inherit name;
          inherit (opt) loc;
          internal = opt.internal or false;
          description = opt.description or null;
          declarations = filter (x: x != unknownModule) opt.declarations;
          visible = if opt ? visible && opt.visible == "shallow" then true else visible;
          readOnly = opt.readOnly or false;
          type = opt.type.description or "unspecified";
        }
        // lib.optionalAttrs (opt ? example) { example = renderOptionValue opt.example; }
        // lib.optionalAttrs (
          opt ? defaultText
          || opt ? default
          || (opt.type.emptyValue or { }) ? value && opt.type.getSubModules or null == null
        ) {
          default = b.addErrorContext "while evaluating the ${
            if opt ? defaultText then "defaultText" else "default value"
          } of option `${name}`" (renderOptionValue (opt.defaultText or opt.default or opt.type.emptyValue.value));
        }
        // lib.optionalAttrs (opt ? relatedPackages && opt.relatedPackages != null) {
          inherit (opt) relatedPackages;
        };
        subOptions =
          let
            ss = opt.type.getSubOptions opt.loc;
          in
          if ss != { } then optionAttrSetToDocList' opt.loc ss else [ ];
        subOptionsVisible = docOption.visible && opt.visible or null != "shallow";
      in
      [ docOption ] ++ lib.optionals subOptionsVisible subOptions
    ) (lib.collect isOption options);

  # `a.b."c d".<name>.*`: parts quoted as Nix identifiers, placeholders not.
  showOption =
    parts:
    concatStringsSep "." (
      map (p: if p == "*" || b.match "<(.*)>" p != null then p else lib.escapeNixIdentifier p) parts
    );
  showFiles = files: concatStringsSep " and " (map (f: "`${f}'") files);

  # One "- In `file': value" line per definition; values of more than one
  # line start on the next line, at most five lines of each are shown.
  showDefs =
    defs:
    lib.concatMapStrings (
      def:
      let
        shown = b.tryEval (
          lib.generators.toPretty { } (
            lib.generators.withRecursion {
              depthLimit = 10;
              throwOnDepthLimit = false;
            } def.value
          )
        );
        lines = filter b.isString (b.split "\n" shown.value);
        text = concatStringsSep "\n    " (lib.take 5 lines ++ lib.optional (length lines > 5) "...");
        rendered =
          if !shown.success then
            ""
          else if length lines > 1 then
            ":\n    " + text
          else
            ": " + text;
      in
      "\n- In `${def.file}'${rendered}"
    ) defs;
  showOptionWithDefLocs =
    opt: ''
      ${showOption opt.loc}, with values defined in:
      ${concatStringsSep "\n" (map (f: "  - ${f}") opt.files)}
    '';
  unknownModule = "<unknown-file>";
}
