# lib.types: option types. A type is a set (`_type = "option-type"`) with
# a name, a description for messages and docs, `check` on one definition,
# `merge` of the checked definitions, and the hooks the module system uses
# for sub-options, sub-modules and merging two declarations' types.
# Container types (list, attribute set, submodule, either, coercedTo) also
# give `merge.v2`, which reports a failing definition itself
# (`headError`), as nixpkgs' lib does; descriptions and messages are lib's.
{ lib }:
let
  b = builtins;
  inherit (b)
    isAttrs
    isList
    isString
    isInt
    isFloat
    isBool
    isPath
    length
    head
    tail
    removeAttrs
    elemAt
    filter
    concatLists
    concatStringsSep
    attrNames
    mapAttrs
    zipAttrsWith
    foldl'
    ;
  inherit (lib)
    isFunction
    showOption
    showDefs
    showFiles
    mergeEqualOption
    mergeOneOption
    mergeDefaultOption
    mergeUniqueOption
    ;
  # The internal merge: every definition made here is a plain { file, value }.
  inherit (import ./definitions.nix { inherit lib; }) mergeDefinitions mergeFinal;
  t = lib.types;

  # The error a v2 merge returns when `check` refuses a definition.
  refused =
    check: defs:
    let
      bad = filter (d: !check d.value) defs;
    in
    if bad == [ ] then null else { message = "Definition values: ${showDefs bad}"; };

  # A v2 merge as `merge` itself (the value only) plus `merge.v2`.
  withV2 = v2: {
    __functor = self: loc: defs: (self.v2 { inherit loc defs; }).value;
    inherit v2;
  };
  # The v2 result of a type without one.
  asV2 =
    type: loc: defs:
    if type.merge ? v2 then
      type.merge.v2 { inherit loc defs; }
    else
      {
        value = type.merge loc defs;
        headError = refused type.check defs;
        valueMeta = { };
      };

  phrase =
    classes: type:
    if b.elem (type.descriptionClass or null) classes then type.description else "(${type.description})";

  # `base` restricted by `pred`, described by a clause after the noun.
  clause =
    base: pred: name: description:
    t.addCheck base pred
    // {
      inherit name description;
      descriptionClass = "nonRestrictiveClause";
    };

  # A type whose values are checked one by one and merged by `merge`.
  leaf =
    name: description: check: merge:
    t.mkOptionType {
      inherit name description check merge;
      descriptionClass = "noun";
    };

  storePathRe = "${lib.escapeRegex b.storeDir}/[0-9a-df-np-sv-z]{32}-[^/]+(/.*)?";
in
rec {
  isType = name: x: (x._type or "") == name;
  setType = name: value: value // { _type = name; };
  isOptionType = isType "option-type";

  defaultFunctor = name: {
    inherit name;
    type = t.${name} or null;
    payload = null;
    binOp = _: _: null;
  };
  elemTypeFunctor = name: payload: {
    inherit name payload;
    type = t.${name};
    binOp =
      l: r:
      let
        m = l.elemType.typeMerge r.elemType.functor;
      in
      if m == null then null else { elemType = m; };
  };
  # Two declarations' types merge when they are the same kind and their
  # payloads (element types, enum values, sub-modules) merge.
  defaultTypeMerge =
    f: f':
    if f.name != f'.name then
      null
    else if f.payload != null then
      let
        p = f.binOp f.payload f'.payload;
      in
      if p == null then null else f.type p
    else
      f.type;

  # Every field but the name has a default; the result is the field set
  # with `description` defaulting to the name.
  mkOptionType =
    fields@{
      name, check ? (x: true), merge ? mergeDefaultOption, functor ? defaultFunctor name,
      typeMerge ? defaultTypeMerge functor, description ? null, descriptionClass ? null,
      emptyValue ? { }, nestedTypes ? { }, deprecationMessage ? null,
      getSubOptions ? prefix: { }, getSubModules ? null, substSubModules ? m: null,
    }:
    {
      inherit name check merge functor typeMerge descriptionClass emptyValue nestedTypes;
      inherit deprecationMessage getSubOptions getSubModules substSubModules;
      description = if description == null then name else description;
      _type = "option-type";
    };

  optionDescriptionPhrase =
    unparenthesize: type:
    if unparenthesize (type.descriptionClass or null) then type.description else "(${type.description})";

  mergeTypes =
    l: r:
    assert isOptionType l && isOptionType r;
    let
      m = l.typeMerge r.functor;
    in
    if m == null then setType "merge-error" { error = "Cannot merge types"; } else m;

  noCheckForDocsModule = {
    config._module.check = lib.mkForce false;
    _file = "<built-in module that disables checks for the purpose of documentation generation>";
  };

  # ------------------------------------------------------------- leaves

  raw = leaf "raw" "raw value" (_: true) (mergeOneOption);

  anything = mkOptionType {
    name = "anything";
    description = "anything";
    descriptionClass = "noun";
    check = _: true;
    merge =
      loc: defs:
      let
        kind = v: if isAttrs v && lib.isStringLike v then "stringCoercibleSet" else b.typeOf v;
        first = kind (head defs).value;
        same = lib.all (d: kind d.value == first) defs;
        byKind = {
          set = (attrsOf anything).merge;
          stringCoercibleSet = mergeOneOption;
          lambda =
            loc: defs: arg:
            anything.merge (loc ++ [ "<function body>" ]) (
              map (d: {
                inherit (d) file;
                value = d.value arg;
              }) defs
            );
        };
      in
      if !same then
        throw "The option `${showOption loc}' has conflicting option types in ${showFiles (lib.getFiles defs)}"
      else
        (byKind.${first} or mergeEqualOption) loc defs;
  };

  unspecified = leaf "unspecified" "unspecified value" (_: true) mergeDefaultOption;

  bool = leaf "bool" "boolean" (isBool) (mergeEqualOption);
  boolByOr = leaf "boolByOr" "boolean (merged using or)" (isBool) (_: defs: lib.any (d: d.value) defs);

  int = leaf "int" "signed integer" (isInt) (mergeEqualOption);

  ints =
    let
      range = lo: hi: "${toString lo} and ${toString hi} (both inclusive)";
      between =
        lo: hi:
        assert lib.assertMsg (lo <= hi) "ints.between: lowest must be smaller than highest";
        addCheck int (x: x >= lo && x <= hi)
        // {
          name = "intBetween";
          description = "integer between ${range lo hi}";
        };
      sized =
        lo: hi: name: what:
        between lo hi
        // {
          inherit name;
          description = "${what}; between ${range lo hi}";
        };
      unsignedBits = bits: n: sized 0 (n - 1) "unsignedInt${toString bits}" "${toString bits} bit unsigned integer";
      signedBits =
        bits: n: sized (0 - n / 2) (n / 2 - 1) "signedInt${toString bits}" "${toString bits} bit signed integer";
    in
    {
      inherit between;
      unsigned = clause int (x: x >= 0) "unsignedInt" "unsigned integer, meaning >=0";
      positive = clause int (x: x > 0) "positiveInt" "positive integer, meaning >0";
      u8 = unsignedBits 8 256;
      u16 = unsignedBits 16 65536;
      u32 = unsignedBits 32 4294967296;
      s8 = signedBits 8 256;
      s16 = signedBits 16 65536;
      s32 = signedBits 32 4294967296;
    };
  port = ints.u16;

  float = leaf "float" "floating point number" (isFloat) (mergeEqualOption);
  number = either int float;
  numbers =
    let
      range = lo: hi: "${lib.floatToString lo} and ${lib.floatToString hi} (both inclusive)";
    in
    {
      between =
        lo: hi:
        assert lib.assertMsg (lo <= hi) "numbers.between: lowest must be smaller than highest";
        addCheck number (x: x >= lo && x <= hi)
        // {
          name = "numberBetween";
          description = "integer or floating point number between ${range lo hi}";
        };
      nonnegative = clause number (x: x >= 0) "numberNonnegative" "nonnegative integer or floating point number, meaning >=0";
      positive = clause number (x: x > 0) "numberPositive" "positive integer or floating point number, meaning >0";
    };

  str = leaf "str" "string" (isString) (mergeEqualOption);
  nonEmptyStr = mkOptionType {
    name = "nonEmptyStr";
    description = "non-empty string";
    descriptionClass = "noun";
    check = x: isString x && b.match "[ \t\n]*" x == null;
    inherit (str) merge;
  };
  singleLineStr =
    let
      base = strMatching "[^\n\r]*\n?";
    in
    mkOptionType {
      name = "singleLineStr";
      description = "(optionally newline-terminated) single-line string";
      descriptionClass = "noun";
      inherit (base) check;
      merge = loc: defs: lib.removeSuffix "\n" (base.merge loc defs);
    };
  strMatching =
    pattern:
    mkOptionType {
      name = "strMatching ${lib.escapeNixString pattern}";
      description = "string matching the pattern ${pattern}";
      descriptionClass = "noun";
      check = x: isString x && b.match pattern x != null;
      inherit (str) merge;
      functor = defaultFunctor "strMatching" // {
        type = p: strMatching p.pattern;
        payload = { inherit pattern; };
        binOp = l: r: if l == r then l else null;
      };
    };
  separatedString =
    sep:
    mkOptionType {
      name = "separatedString";
      description = "strings concatenated with ${b.toJSON sep}";
      descriptionClass = "noun";
      check = isString;
      merge = _: defs: concatStringsSep sep (lib.getValues defs);
      functor = defaultFunctor "separatedString" // {
        payload = { inherit sep; };
        type = p: separatedString p.sep;
        binOp = l: r: if l.sep == r.sep then { inherit (l) sep; } else null;
      };
    };
  lines = separatedString "\n";
  commas = separatedString ",";
  envVar = separatedString ":";
  passwdEntry =
    entryType:
    addCheck entryType (s: !(lib.hasInfix ":" s || lib.hasInfix "\n" s))
    // {
      name = "passwdEntry ${entryType.name}";
      description = "${phrase [ "noun" ] entryType}, not containing newlines or colons";
      descriptionClass = "nonRestrictiveClause";
    };

  attrs = mkOptionType {
    name = "attrs";
    description = "attribute set";
    check = isAttrs;
    merge = _: foldl' (acc: d: acc // d.value) { };
    emptyValue.value = { };
  };

  package = mkOptionType {
    name = "package";
    descriptionClass = "noun";
    check = x: lib.isDerivation x || lib.isStorePath x;
    merge =
      loc: defs:
      let
        v = mergeOneOption loc defs;
      in
      if isPath v || (isString v && !b.hasContext v) then lib.toDerivation v else v;
  };
  shellPackage = package // {
    check = x: lib.isDerivation x && x ? shellPath;
  };
  pkgs = addCheck (
    unique { message = "A Nixpkgs pkgs set can not be merged with another pkgs set."; } attrs
    // {
      name = "pkgs";
      descriptionClass = "noun";
      description = "Nixpkgs package set";
    }
  ) (x: (x._type or null) == "pkgs");

  pathWith =
    {
      inStore ? null,
      absolute ? null,
    }:
    lib.throwIf (inStore != null && absolute != null && inStore && !absolute)
      "In pathWith, inStore means the path must be absolute"
      mkOptionType
      {
        name = "path";
        description =
          (if absolute == null then "" else if absolute then "absolute " else "relative ")
          + "path"
          + (if inStore == null then "" else if inStore then " in the Nix store" else " not in the Nix store");
        descriptionClass = "noun";
        merge = mergeEqualOption;
        functor = defaultFunctor "path" // {
          type = pathWith;
          payload = { inherit inStore absolute; };
          binOp = l: r: if l == r then l else null;
        };
        check =
          x:
          let
            s = toString x;
            kindOk = if inStore == null || inStore then lib.isStringLike x else isString x;
          in
          kindOk
          && (inStore == null || inStore == (b.match storePathRe (b.unsafeDiscardStringContext s) != null))
          && (absolute == null || absolute == (b.substring 0 1 s == "/"));
      };
  path = pathWith { absolute = true; };
  pathInStore = pathWith { inStore = true; };
  externalPath = pathWith {
    absolute = true;
    inStore = false;
  };

  enum =
    values:
    let
      show =
        v:
        if isString v then
          ''"${v}"''
        else if isInt v then
          toString v
        else if isBool v then
          lib.boolToString v
        else
          "<${b.typeOf v}>";
    in
    mkOptionType {
      name = "enum";
      description =
        if values == [ ] then
          "impossible (empty enum)"
        else if length values == 1 then
          "value ${show (head values)} (singular enum)"
        else
          "one of ${lib.concatMapStringsSep ", " show values}";
      descriptionClass = if length values < 2 then "noun" else "conjunction";
      check = x: b.elem x values;
      merge = mergeEqualOption;
      functor = defaultFunctor "enum" // {
        payload = { inherit values; };
        type = p: enum p.values;
        binOp = l: r: { values = lib.unique (l.values ++ r.values); };
      };
    };

  # --------------------------------------------------------- containers

  listOf =
    elemType:
    mkOptionType {
      name = "listOf";
      description = "list of ${phrase [ "noun" "composite" ] elemType}";
      descriptionClass = "composite";
      check = isList;
      merge = withV2 (
        { loc, defs }:
        let
          # Each entry is merged as a definition of its own; an entry
          # without a property is its own final definition (what
          # mergeDefinitions would find, without looking).
          entries = concatLists (
            b.genList (
              i:
              let
                d = elemAt defs i;
              in
              b.genList (
                j:
                let
                  v = elemAt d.value j;
                  at = loc ++ [ "[definition ${toString (i + 1)}-entry ${toString (j + 1)}]" ];
                  def = {
                    inherit (d) file;
                    value = v;
                  };
                in
                if isAttrs v && v ? _type then
                  mergeDefinitions at elemType [ def ]
                else
                  mergeFinal at elemType {
                    values = [ def ];
                    highestPrio = 100;
                  }
              ) (length d.value)
            ) (length defs)
          );
          kept = filter (e: e.isDefined) entries;
        in
        {
          headError = refused isList defs;
          value = map (e: e.mergedValue) kept;
          valueMeta.list = map (e: e.checkedAndMerged.valueMeta) kept;
        }
      );
      emptyValue.value = [ ];
      getSubOptions = prefix: elemType.getSubOptions (prefix ++ [ "*" ]);
      getSubModules = elemType.getSubModules;
      substSubModules = m: listOf (elemType.substSubModules m);
      functor = elemTypeFunctor "listOf" { inherit elemType; } // {
        type = p: listOf p.elemType;
      };
      nestedTypes.elemType = elemType;
    };
  nonEmptyListOf =
    elemType:
    let
      l = addCheck (listOf elemType) (x: x != [ ]);
    in
    l
    // {
      description = "non-empty ${phrase [ "noun" ] l}";
      emptyValue = { };
      substSubModules = m: nonEmptyListOf (elemType.substSubModules m);
    };

  attrsOf = elemType: attrsWith { inherit elemType; };
  lazyAttrsOf =
    elemType:
    attrsWith {
      inherit elemType;
      lazy = true;
    };
  attrsWith =
    {
      elemType,
      lazy ? false,
      placeholder ? "name",
    }:
    mkOptionType {
      name = if lazy then "lazyAttrsOf" else "attrsOf";
      description =
        (if lazy then "lazy attribute set" else "attribute set")
        + " of ${phrase [ "noun" "composite" ] elemType}";
      descriptionClass = "composite";
      check = isAttrs;
      merge = withV2 (
        { loc, defs }:
        let
          byName = zipAttrsWith (name: ds: mergeDefinitions (loc ++ [ name ]) elemType ds) (
            map (
              d:
              mapAttrs (_: v: {
                inherit (d) file;
                value = v;
              }) d.value
            ) defs
          );
          kept = if lazy then byName else removeAttrs byName (filter (n: !byName.${n}.isDefined) (attrNames byName));
        in
        {
          headError = refused isAttrs defs;
          value =
            if !lazy then
              mapAttrs (_: r: r.mergedValue) kept
            else
              mapAttrs (_: r: if r.isDefined then r.mergedValue else elemType.emptyValue.value or r.mergedValue) kept;
          valueMeta.attrs = mapAttrs (_: r: r.checkedAndMerged.valueMeta) kept;
        }
      );
      emptyValue.value = { };
      getSubOptions = prefix: elemType.getSubOptions (prefix ++ [ "<${placeholder}>" ]);
      getSubModules = elemType.getSubModules;
      substSubModules =
        m:
        attrsWith {
          elemType = elemType.substSubModules m;
          inherit lazy placeholder;
        };
      functor = elemTypeFunctor "attrsWith" { inherit elemType lazy placeholder; } // {
        binOp =
          l: r:
          let
            e = l.elemType.typeMerge r.elemType.functor;
            lz = if l.lazy == r.lazy then l.lazy else null;
            ph =
              if l.placeholder == r.placeholder then
                l.placeholder
              else if l.placeholder == "name" then
                r.placeholder
              else if r.placeholder == "name" then
                l.placeholder
              else
                null;
          in
          if e == null || lz == null || ph == null then
            null
          else
            {
              elemType = e;
              lazy = lz;
              placeholder = ph;
            };
      };
      nestedTypes.elemType = elemType;
    };

  unique =
    { message }:
    type:
    mkOptionType {
      name = "unique";
      inherit (type) description descriptionClass check;
      merge = mergeUniqueOption {
        inherit message;
        inherit (type) merge;
      };
      inherit (type) emptyValue getSubOptions getSubModules;
      substSubModules = m: uniq (type.substSubModules m);
      functor = elemTypeFunctor "unique" { elemType = type; } // {
        type = p: unique { inherit message; } p.elemType;
      };
      nestedTypes.elemType = type;
    };
  uniq = unique { message = ""; };

  nullOr =
    elemType:
    mkOptionType {
      name = "nullOr";
      description = "null or ${phrase [ "noun" "conjunction" ] elemType}";
      descriptionClass = "conjunction";
      check = x: x == null || elemType.check x;
      merge =
        loc: defs:
        let
          nulls = lib.count (d: d.value == null) defs;
        in
        if nulls == 0 then
          elemType.merge loc defs
        else if nulls == length defs then
          null
        else
          throw "The option `${showOption loc}` is defined both null and not null, in ${showFiles (lib.getFiles defs)}.";
      emptyValue.value = null;
      inherit (elemType) getSubOptions getSubModules;
      substSubModules = m: nullOr (elemType.substSubModules m);
      functor = elemTypeFunctor "nullOr" { inherit elemType; } // {
        type = p: nullOr p.elemType;
      };
      nestedTypes.elemType = elemType;
    };

  functionTo =
    elemType:
    mkOptionType {
      name = "functionTo";
      description = "function that evaluates to a(n) ${phrase [ "noun" "composite" ] elemType}";
      descriptionClass = "composite";
      check = isFunction;
      merge = loc: defs: {
        __functionArgs = zipAttrsWith (_: lib.all lib.id) (map (d: lib.functionArgs d.value) defs);
        __functor =
          _: args:
          (mergeDefinitions (loc ++ [ "<function body>" ]) elemType (
            map (d: {
              inherit (d) file;
              value = d.value args;
            }) defs
          )).mergedValue;
      };
      getSubOptions = prefix: elemType.getSubOptions (prefix ++ [ "<function body>" ]);
      getSubModules = elemType.getSubModules;
      substSubModules = m: functionTo (elemType.substSubModules m);
      functor = elemTypeFunctor "functionTo" { inherit elemType; } // {
        type = p: functionTo p.elemType;
      };
      nestedTypes.elemType = elemType;
    };

  deferredModule = deferredModuleWith { };
  deferredModuleWith =
    attrs@{ staticModules ? [ ] }:
    mkOptionType {
      check = x: isAttrs x || isFunction x || path.check x;
      name = "deferredModule";
      descriptionClass = "noun";
      description = "module";
      merge = loc: defs: {
        imports =
          staticModules
          ++ map (d: lib.setDefaultModuleLocation "${d.file}, via option ${showOption loc}" d.value) defs;
      };
      inherit (submoduleWith { modules = staticModules; }) getSubOptions;
      getSubModules = staticModules;
      substSubModules = m: deferredModuleWith (attrs // { staticModules = m; });
      functor = defaultFunctor "deferredModuleWith" // {
        type = deferredModuleWith;
        payload = { inherit staticModules; };
        binOp = l: r: { staticModules = l.staticModules ++ r.staticModules; };
      };
    };

  optionDeclaration = leaf "optionDeclaration" "option declaration" (lib.isOption) (mergeOneOption);

  optionType = mkOptionType {
    name = "optionType";
    description = "optionType";
    descriptionClass = "noun";
    check = v: v._type or null == "option-type";
    merge =
      loc: defs:
      if length defs == 1 then
        (head defs).value
      else
        (lib.modules.fixupOptionType loc (
          lib.modules.mergeOptionDecls loc (
            map (d: {
              _file = d.file;
              pos = null;
              options = lib.mkOption { type = d.value; };
            }) defs
          )
        )).type;
  };

  submodule =
    modules:
    submoduleWith {
      shorthandOnlyDefinesConfig = true;
      modules = lib.toList modules;
    };

  submoduleWith =
    attrs@{
      modules,
      specialArgs ? { },
      shorthandOnlyDefinesConfig ? false,
      description ? null,
      class ? null,
    }:
    let
      asModules = map (
        d:
        if isAttrs d.value && shorthandOnlyDefinesConfig then
          {
            _file = d.file;
            config = d.value;
          }
        else
          {
            _file = d.file;
            imports = [ d.value ];
          }
      );
      base = lib.modules.evalModules {
        inherit class specialArgs;
        modules = [ { _module.args.name = lib.mkOptionDefault "‹name›"; } ] ++ modules;
      };
      docs = prefix: base.extendModules {
        inherit prefix;
        modules = [ noCheckForDocsModule ];
      };
      check = x: isAttrs x || isFunction x || path.check x;
    in
    mkOptionType {
      name = "submodule";
      description =
        if description != null then
          description
        else
          let
            ff = (docs [ ])._module.freeformType;
          in
          if ff ? description then "open submodule of ${phrase [ "noun" "composite" ] ff}" else "submodule";
      inherit check;
      merge = withV2 (
        { loc, defs }:
        let
          configuration = base.extendModules {
            modules = [ { _module.args.name = lib.last loc; } ] ++ asModules defs;
            prefix = loc;
          };
        in
        {
          headError = refused check defs;
          value = configuration.config;
          valueMeta = { inherit configuration; };
        }
      );
      emptyValue.value = base.config;
      getSubOptions =
        prefix:
        let
          d = docs prefix;
          ff = d._module.freeformType;
        in
        d.options // lib.optionalAttrs (ff != null) { _freeformOptions = ff.getSubOptions prefix; };
      getSubModules = modules;
      substSubModules = m: submoduleWith (attrs // { modules = m; });
      nestedTypes = lib.optionalAttrs (base._module.freeformType != null) {
        freeformType = base._module.freeformType;
      };
      functor = defaultFunctor "submodule" // {
        type = submoduleWith;
        payload = {
          inherit
            modules
            class
            specialArgs
            shorthandOnlyDefinesConfig
            description
            ;
        };
        binOp = l: r: {
          class =
            if l.class or null == null then
              r.class or null
            else if r.class or null == null || l.class == r.class then
              l.class
            else
              throw "A submoduleWith option is declared multiple times with conflicting class values \"${toString l.class}\" and \"${toString r.class}\".";
          modules = l.modules ++ r.modules;
          specialArgs =
            let
              shared = b.intersectAttrs l.specialArgs r.specialArgs;
            in
            if shared == { } then
              l.specialArgs // r.specialArgs
            else
              throw "A submoduleWith option is declared multiple times with the same specialArgs \"${toString (attrNames shared)}\"";
          shorthandOnlyDefinesConfig =
            if l.shorthandOnlyDefinesConfig == null then
              r.shorthandOnlyDefinesConfig
            else if r.shorthandOnlyDefinesConfig == null || l.shorthandOnlyDefinesConfig == r.shorthandOnlyDefinesConfig then
              l.shorthandOnlyDefinesConfig
            else
              throw "A submoduleWith option is declared multiple times with conflicting shorthandOnlyDefinesConfig values";
          description =
            if l.description == null then
              r.description
            else if r.description == null || l.description == r.description then
              l.description
            else
              throw "A submoduleWith option is declared multiple times with conflicting descriptions";
        };
      };
    };

  either =
    t1: t2:
    mkOptionType {
      name = "either";
      description =
        if t1.descriptionClass or null == "nonRestrictiveClause" then
          "${t1.description}, or ${phrase [ "noun" "conjunction" ] t2}"
        else
          "${phrase [ "noun" "conjunction" ] t1} or ${phrase [ "noun" "conjunction" "composite" ] t2}";
      descriptionClass = "conjunction";
      check = x: t1.check x || t2.check x;
      merge = withV2 (
        { loc, defs }:
        let
          # asV2 of each side, written out: either nests (oneOf), and this
          # runs per side per level for every value.
          left =
            if t1.merge ? v2 then
              t1.merge.v2 { inherit loc defs; }
            else
              {
                value = t1.merge loc defs;
                headError = refused t1.check defs;
                valueMeta = { };
              };
          right =
            if t2.merge ? v2 then
              t2.merge.v2 { inherit loc defs; }
            else
              {
                value = t2.merge loc defs;
                headError = refused t2.check defs;
                valueMeta = { };
              };
          message = "The option `${showOption loc}` is neither a value of type `${t1.description}` nor `${t2.description}`, Definition values: ${showDefs defs}";
        in
        if left.headError == null then
          left
        else if right.headError == null then
          right
        else
          {
            headError = { inherit message; };
            valueMeta.headError = { inherit message; };
            value = lib.warn ''
              One or more definitions did not pass the type-check of the 'either' type.
              ${message}
              If `either`, `oneOf` or similar is used in freeformType, ensure that it is preceded by an 'attrsOf' such as: `freeformType = types.attrsOf (types.either t1 t2)`.
              Otherwise consider using the correct type for the option `${showOption loc}`.  This will be an error in Nixpkgs 26.05.
            '' (mergeOneOption loc defs);
          }
      );
      typeMerge =
        f':
        let
          m1 = t1.typeMerge (head f'.payload.elemType).functor;
          m2 = t2.typeMerge (elemAt f'.payload.elemType 1).functor;
        in
        if f'.name == "either" && m1 != null && m2 != null then either m1 m2 else null;
      functor = elemTypeFunctor "either" {
        elemType = [
          t1
          t2
        ];
      };
      nestedTypes.left = t1;
      nestedTypes.right = t2;
    };
  oneOf =
    ts:
    if ts == [ ] then
      throw "types.oneOf needs to get at least one type in its argument"
    else
      foldl' either (head ts) (tail ts);

  coercedTo =
    coercedType: coerceFunc: finalType:
    assert lib.assertMsg (coercedType.getSubModules == null)
      "coercedTo: coercedType must not have submodules (it’s a ${coercedType.description})";
    let
      check = x: (coercedType.check x && finalType.check (coerceFunc x)) || finalType.check x;
    in
    mkOptionType {
      name = "coercedTo";
      description = "${phrase [ "noun" ] finalType} or ${phrase [ "noun" ] coercedType} convertible to it";
      inherit check;
      merge = withV2 (
        { loc, defs }:
        let
          coerce =
            d:
            let
              ok =
                if coercedType.merge ? v2 then
                  (coercedType.merge.v2 {
                    inherit loc;
                    defs = [ d ];
                  }).headError == null
                else
                  coercedType.check d.value;
            in
            d // { value = if ok then coerceFunc d.value else d.value; };
          final = map coerce defs;
        in
        if finalType.merge ? v2 then
          finalType.merge.v2 {
            inherit loc;
            defs = final;
          }
        else
          {
            value = finalType.merge loc final;
            valueMeta = { };
            headError = refused check defs;
          }
      );
      inherit (finalType) emptyValue getSubOptions getSubModules;
      substSubModules = m: coercedTo coercedType coerceFunc (finalType.substSubModules m);
      typeMerge = _: null;
      functor = defaultFunctor "coercedTo";
      nestedTypes.coercedType = coercedType;
      nestedTypes.finalType = finalType;
    };

  addCheck =
    elemType: check:
    if elemType.merge ? v2 then
      elemType
      // {
        check = x: elemType.check x && check x;
        merge = withV2 (
          args:
          let
            inner = elemType.merge.v2 args;
          in
          inner // { headError = if inner.headError != null then inner.headError else refused check args.defs; }
        );
      }
    else
      elemType // { check = x: elemType.check x && check x; };

  serializableValueWith =
    {
      typeName,
      nullable ? true,
    }:
    let
      base = oneOf [
        bool
        int
        float
        str
        path
        (attrsOf value)
        (listOf value)
      ];
      value = (if nullable then nullOr base else base) // { description = "${typeName} value"; };
    in
    value;
  json = serializableValueWith { typeName = "JSON"; };
  toml = serializableValueWith {
    typeName = "TOML";
    nullable = false;
  };

  types = t;
}
