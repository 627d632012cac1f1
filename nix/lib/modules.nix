# lib.modules: the module system. evalModules collects modules (imports,
# keys, disabledModules), walks the declared option tree once, and gives
# every option the merge of its definitions: mkIf/mkMerge discharged,
# mkOverride filtered, mkOrder sorted, then the type's check and merge.
# Names, semantics and the words of errors are nixpkgs' lib's.
{ lib }:
let
  b = builtins;
  inherit (b)
    attrNames
    concatLists
    concatMap
    elem
    filter
    foldl'
    head
    isAttrs
    isBool
    isList
    isString
    length
    mapAttrs
    removeAttrs
    tail
    zipAttrsWith
    addErrorContext
    ;
  inherit (lib)
    isFunction
    functionArgs
    mkOption
    types
    showOption
    showFiles
    showDefs
    isOption
    optional
    optionalAttrs
    setAttrByPath
    attrByPath
    getAttrFromPath
    ;

  unknownModule = lib.options.unknownModule;
  definitions = import ./definitions.nix { inherit lib; };

  # The attributes a module with explicit `options`/`config` may have.
  moduleKeys = [ "key" "_file" "_class" "imports" "disabledModules" "options" "config" "freeformType" "meta" ];
  # What the shorthand form (everything is config) sets apart.
  shorthandKeys = [ "key" "_file" "_class" "imports" "require" "disabledModules" "freeformType" ];
in
rec {
  defaultOverridePriority = 100;
  defaultPriority = defaultOverridePriority;
  defaultOrderPriority = 1000;

  # The properties a definition may be wrapped in.
  mkIf = condition: content: { inherit content condition; _type = "if"; };
  mkMerge = contents: { inherit contents; _type = "merge"; };
  mkAssert =
    assertion: message:
    mkIf (assertion || throw "\nFailed assertion: ${message}");
  mkDefinition = args: args // { _type = "definition"; };
  mkOverride = priority: content: {
    _type = "override";
    inherit priority content;
  };
  mkOptionDefault = mkOverride 1500;
  mkDefault = mkOverride 1000;
  mkImageMediaOverride = mkOverride 60;
  mkForce = mkOverride 50;
  mkVMOverride = mkOverride 10;
  mkFixStrictness = lib.id;
  mkOrder = priority: content: {
    _type = "order";
    inherit priority content;
  };
  mkBefore = mkOrder 500;
  mkAfter = mkOrder 1500;

  setDefaultModuleLocation = file: m: {
    _file = file;
    imports = [ m ];
  };

  # The options every evaluation declares: the same declarations each time
  # (made once per lib), `_module.args` internal in submodules.
  internalOptions =
    let
      declare = internalArgs: {
        args = mkOption {
          type = types.lazyAttrsOf types.raw;
          ${if internalArgs then "internal" else null} = true;
          description = "Additional arguments passed to each module.";
        };
        check = mkOption {
          type = types.bool;
          internal = true;
          default = true;
          description = "Whether to check whether all option definitions have matching declarations.";
        };
        freeformType = mkOption {
          type = types.nullOr types.optionType;
          internal = true;
          default = null;
          description = "If set, merge all definitions that don't have an associated option together using this type.";
        };
        specialArgs = mkOption {
          readOnly = true;
          internal = true;
          description = "Externally provided module arguments that can't be modified from within a configuration.";
        };
      };
    in
    {
      root = declare false;
      nested = declare true;
    };

  # ---------------------------------------------------------------- eval

  evalModules =
    evalArgs@{
      modules,
      prefix ? [ ],
      args ? { },
      specialArgs ? { },
      check ? true,
      class ? null,
    }:
    let
      legacy =
        (if evalArgs ? args then [ { config._module.args = args; } ] else [ ])
        ++ (if evalArgs ? check then [ { config._module.check = lib.mkDefault check; } ] else [ ]);
      regularModules = modules ++ legacy;

      internalModule = {
        _file = "lib/modules.nix";
        key = "lib/modules.nix";
        options._module = if prefix == [ ] then internalOptions.root else internalOptions.nested;
        config._module.args = {
          inherit extendModules;
          moduleType = type;
        };
        config._module.specialArgs = specialArgs;
      };

      moduleArgs = {
        inherit lib options specialArgs;
        _class = class;
        _prefix = prefix;
        config = addErrorContext "if you get an infinite recursion here, you probably reference `config` in `imports`. If you are trying to achieve a conditional import behavior dependent on `config`, consider importing unconditionally, and using `mkEnableOption` and `mkIf` to control its effect." config;
      }
      // specialArgs;

      collected = collectModules class (specialArgs.modulesPath or "") (
        regularModules ++ [ internalModule ]
      ) moduleArgs;

      merged = mergeModulesWithConfig prefix (lib.reverseList collected.modules);
      options = merged.matchedOptions;

      declaredConfig = merged.config;
      freeformType = declaredConfig._module.freeformType;
      config =
        if freeformType == null then
          declaredConfig
        else
          let
            defs = map (d: {
              inherit (d) file;
              value = setAttrByPath d.prefix d.value;
            }) merged.unmatchedDefns;
          in
          lib.recursiveUpdate (if defs == [ ] then { } else freeformType.merge prefix defs) declaredConfig;

      checkUnmatched =
        if config._module.check && config._module.freeformType == null && merged.unmatchedDefns != [ ] then
          throw (undeclaredMessage prefix options (head merged.unmatchedDefns))
        else
          null;
      checked = b.seq checkUnmatched;

      extendModules =
        extendArgs@{
          modules ? [ ],
          specialArgs ? { },
          prefix ? [ ],
        }:
        evalModules (
          evalArgs
          // {
            modules = regularModules ++ modules;
            specialArgs = evalArgs.specialArgs or { } // specialArgs;
            prefix = extendArgs.prefix or evalArgs.prefix or [ ];
          }
        );

      type = types.submoduleWith { inherit modules specialArgs class; };

      deprecated =
        x:
        if !(evalArgs ? args || evalArgs ? check) then
          x
        else
          lib.warnIf (evalArgs ? args)
            "The args argument to evalModules is deprecated. Please set config._module.args instead."
            (
              lib.warnIf (evalArgs ? check)
                "The check argument to evalModules is deprecated. Please set config._module.check instead."
                x
            );
    in
    deprecated {
      _type = "configuration";
      options = checked options;
      config = checked (removeAttrs config [ "_module" ]);
      _module = checked config._module;
      inherit (collected) graph;
      inherit extendModules type class;
    };

  # The error for a definition no option matches, with the closest names
  # among its would-be siblings.
  undeclaredMessage =
    prefix: options: def:
    let
      path = prefix ++ def.prefix;
      shown = showOption path;
      values = addErrorContext "while evaluating the error message for definitions for `${shown}', which is an option that does not exist" (
        addErrorContext "while evaluating a definition from `${def.file}'" (showDefs [ def ])
      );
      parent = lib.init path;
      siblings = attrNames (attrByPath (lib.init def.prefix) { } options);
      candidates = if lib.init def.prefix == [ ] then lib.remove "_module" siblings else siblings;
      wanted = lib.last def.prefix;
      near =
        if length candidates < 100 then
          candidates
        else
          filter (lib.levenshteinAtMost 2 wanted) candidates;
      best = lib.take 3 (lib.sortOn (lib.levenshtein wanted) near);
      quote = s: "`${showOption (parent ++ [ s ])}'";
      hint =
        if best == [ ] then
          ""
        else if length best == 1 then
          "\n\nDid you mean ${quote (head best)}?"
        else
          "\n\nDid you mean ${b.concatStringsSep ", " (map quote (lib.init best))} or ${quote (lib.last best)}?";
      base = "The option `${shown}' does not exist. Definition values:${values}${hint}";
    in
    if attrNames options == [ "_module" ] then
      if prefix == [ ] then
        ''
          ${base}

          It seems as if you're trying to declare an option by placing it into `config' rather than `options'!
        ''
      else
        ''
          ${base}

          However there are no options defined in `${showOption prefix}'. Are you sure you've
          declared your options properly? This can happen if you e.g. declared your options in `types.submodule'
          under `config' rather than `options'.
        ''
    else
      base;

  # ------------------------------------------------------------ collecting

  # Every module reachable through `imports`, loaded and in the module
  # system's order (breadth first, each key once), without the disabled.
  collectModules =
    class: modulesPath: initial: args:
    let
      tree = structure unknownModule "" initial;
      structure =
        parentFile: parentKey: ms:
        b.genList (
          i:
          let
            loaded = load parentFile "${parentKey}:anon-${toString (i + 1)}" (b.elemAt ms i);
            module =
              if class != null && loaded._class != null && loaded._class != class then
                throw (classMismatch loaded)
              else
                loaded;
            children = if module.imports == [ ] then [ ] else structure module._file module.key module.imports;
            below = if children == [ ] then [ ] else concatLists (b.catAttrs "disabled" children);
          in
          {
            inherit (module) key;
            inherit module children;
            disabled =
              if module.disabledModules != [ ] then
                [
                  {
                    file = module._file;
                    list = module.disabledModules;
                  }
                ]
                ++ below
              else
                below;
          }
        ) (length ms);

      load =
        file: key: m:
        if b.isFunction m || (m ? __functor && isFunction m) then
          unifyModuleSyntax file key (applyModuleArgs key m args)
        else if isAttrs m then
          let
            t = m._type or "module";
          in
          if t == "module" then
            unifyModuleSyntax file key m
          else if t == "if" || t == "override" then
            load file key { config = m; }
          else
            throw (notAModule file m t)
        else if isList m then
          throw "Module imports can't be nested lists. Perhaps you meant to remove one level of lists? Definitions: ${
            showDefs [
              {
                inherit file;
                value = m;
              }
            ]
          }"
        else
          let
            path = toString m;
          in
          unifyModuleSyntax path path (applyModuleArgsIfFunction path (import m) args);

      # Paragraphs as lib's messages.not_a_module writes them (with its
      # terminal colours).
      notAModule =
        file: m: t:
        let
          esc = b.fromJSON "\"\\u001b\"";
          warn = s: "${esc}[1;35m${s}${esc}[0m";
          good = s: "${esc}[1;32m${s}${esc}[0m";
          code = s: "${esc}[1m${s}${esc}[0m";
          prefix = args._prefix;
          intoFile = lib.optionalString (
            file != null && file != unknownModule
          ) ", while trying to load a module into ${toString file}";
          intoPrefix = lib.optionalString (
            prefix != [ ]
          ) ", while trying to load a module into ${code (showOption prefix)}";
          first = ''
            Expected a module, but found a value of type ${warn (lib.escapeNixString t)}${intoFile}${intoPrefix}.
            A module is typically loaded by adding it to the ${code "imports = [ ... ];"} attribute of an existing module, or in the ${code "modules = [ ... ];"} argument of various functions.
            Please make sure that each of the list items is a module, and not a different kind of value.
          '';
          byType = {
            configuration = ''
              If you really mean to import this configuration, instead please only import the modules that make up the configuration.
              You may have to create a `let` binding, file or attribute to give yourself access to the relevant modules.
              While loading a configuration into the module system is a very sensible idea, it can not be done cleanly in practice.
            '';
            flake = b.concatStringsSep "\n" (
              map lib.trim (
                [
                  ''
                    Perhaps you forgot to select an attribute name?
                    Instead of, for example,
                        ${warn "inputs.someflake"}
                    you need to write something like
                        ${warn "inputs.someflake"}${
                          if class == null then good ".modules.someApp.default" else good ".modules.${class}.default"
                        }
                  ''
                ]
                ++ optional (class == "nixos") ''
                  or
                      ${warn "inputs.someflake"}${good ".nixosModules.default"}
                ''
                ++ optional (class == "darwin") ''
                  or
                      ${warn "inputs.someflake"}${good ".darwinModules.default"}
                ''
              )
            );
          };
        in
        b.concatStringsSep "\n\n" (map lib.trim ([ first ] ++ optional (byType ? ${t}) byType.${t}));

      classMismatch =
        m:
        let
          q = lib.strings.escapeNixString;
        in
        ''
          The module `${m._file or m.key}` (class: ${q m._class}) cannot be imported into a module evaluation that expects class ${q class}.

          Help:
          - Ensure that you are importing the correct module.
          - Verify that the module's `_class`, ${q m._class} matches the expected `class` ${q class}.
          - If you are using a custom class, make sure it is correctly defined and used consistently across your modules.
        '';

      disabledKeys = concatMap (d: map (disabledKey d.file) d.list) (concatLists (b.catAttrs "disabled" tree));
      # What a disabledModules entry names: a path (relative ones below
      # modulesPath), something with a string form, or a module's key.
      disabledKey =
        file: m:
        let
          ambiguous = "Module `${file}` contains a disabledModules item that is an attribute set that can be converted to a string (${toString m}) but also has a `.key` attribute (${m.key}) with a different value. This makes it ambiguous which module should be disabled.";
          keyless = "Module `${file}` contains a disabledModules item that is an attribute set, presumably a module, that does not have a `key` attribute. This means that the module system doesn't have any means to identify the module that should be disabled. Make sure that you've put the correct value in disabledModules: a string path relative to modulesPath, a path value, or an attribute set with a `key` attribute.";
          unusable = "Each disabledModules item must be a path, string, or a attribute set with a key attribute, or a value supported by toString. However, one of the disabledModules items in `${toString file}` is none of that, but is of type ${b.typeOf m}.";
        in
        if isString m then
          (if b.substring 0 1 m == "/" then m else toString modulesPath + "/" + m)
        else if lib.isConvertibleWithToString m then
          (if m ? key && m.key != toString m then throw ambiguous else toString m)
        else if isAttrs m then
          (if m ? key then m.key else throw keyless)
        else
          throw unusable;
      enabled = filter (n: !(elem n.key disabledKeys));

      graphOf = n: {
        disabled = elem n.key disabledKeys;
        inherit (n) key;
        file = n.module._file;
        imports = map graphOf n.children;
      };
    in
    {
      modules = b.catAttrs "module" (
        b.genericClosure (
          if disabledKeys == [ ] then
            {
              startSet = tree;
              operator = n: n.children;
            }
          else
            {
              startSet = enabled tree;
              operator = n: enabled n.children;
            }
        )
      );
      graph = map graphOf (filter (n: n.key != "lib/modules.nix") tree);
    };

  # A module in its one canonical shape:
  # { _file, _class, key, disabledModules, imports, options, config }.
  unifyModuleSyntax =
    file: key: m:
    let
      explicit = m ? config || m ? options;
      own = if explicit then m.config or { } else removeAttrs m shorthandKeys;
      withMeta = if explicit && m ? meta then mkMerge [ own { meta = m.meta; } ] else own;
      extra = removeAttrs m moduleKeys;
    in
    if !isAttrs m then
      throw "module ${file} (${key}) does not look like a module."
    else if explicit && extra != { } then
      throw "Module `${key}' has an unsupported attribute `${head (attrNames extra)}'. This is caused by introducing a top-level `config' or `options' attribute. Add configuration attributes immediately on the top level instead, or move all of them (namely: ${toString (attrNames extra)}) into the explicit `config' attribute."
    else
      {
        _file = toString m._file or file;
        _class = m._class or null;
        key = toString m.key or key;
        disabledModules = m.disabledModules or [ ];
        imports = if explicit then m.imports or [ ] else m.require or [ ] ++ m.imports or [ ];
        options = if explicit then m.options or { } else { };
        config =
          if m ? freeformType then mkMerge [ withMeta { _module.freeformType = m.freeformType; } ] else withMeta;
      };

  applyModuleArgsIfFunction =
    key: f: args:
    if isFunction f then applyModuleArgs key f args else f;

  # Call a module function with the arguments it names: the fixed ones,
  # else the module system's `_module.args` (lazily, so that `pkgs` may
  # depend on config).
  applyModuleArgs =
    key: f: args:
    let
      wanted = mapAttrs (
        name: _:
        addErrorContext "while evaluating the module argument `${name}' in \"${key}\":" (
          args.${name} or (addErrorContext
            "noting that argument `${name}` is not externally provided, so querying `_module.args` instead, requiring `config`"
            args.config._module.args.${name}
          )
        )
      ) (functionArgs f);
    in
    f (args // wanted);

  # ------------------------------------------------------------- merging

  # Split properties off a config value: mkMerge flattened, mkIf and
  # mkOverride pushed into the attributes of the sets they wrap, so that
  # the tree of definitions is known before any condition is evaluated.
  pushDownProperties =
    cfg:
    let
      t = cfg._type or "";
      under = f: c: if isAttrs c then mapAttrs (_: f) c else c;
    in
    if t == "merge" then
      concatMap pushDownProperties cfg.contents
    else if t == "if" then
      map (under (mkIf cfg.condition)) (pushDownProperties cfg.content)
    else if t == "override" then
      map (under (mkOverride cfg.priority)) (pushDownProperties cfg.content)
    else
      [ cfg ];

  inherit (definitions) dischargeProperties filterOverrides' sortProperties;
  filterOverrides = defs: (filterOverrides' defs).values;

  mergeModules =
    prefix: modules: removeAttrs (mergeModulesWithConfig prefix modules) [ "config" ];
  mergeModules' =
    prefix: modules: configs: removeAttrs (mergeLevel prefix modules configs) [ "config" ];

  # mergeModules plus `config`, the tree of the options' values (what
  # evalModules reads instead of walking the option tree again).
  mergeModulesWithConfig =
    prefix: modules:
    let
      configsOf =
        m:
        let
          c = m.config;
        in
        if isAttrs c && !(c ? _type) then
          [
            {
              file = m._file;
              config = c;
            }
          ]
        else
          map (c: {
            file = m._file;
            config = c;
          }) (pushDownProperties c);
    in
    mergeLevel prefix modules (concatMap configsOf modules);

  # One level of the option tree: declarations of this level's names from
  # every module, definitions of them from every config; recurses where a
  # name is not (yet) an option. Each name's result is one record, read by
  # native selection (catAttrs) where no per-name function is needed.
  mergeLevel =
    prefix: modules: configs:
    let
      declsByName = zipAttrsWith b.seq (
        map (
          m:
          let
            tree = m.options;
          in
          if !isAttrs tree then
            throw ''
              An option declaration for `${b.concatStringsSep "." prefix}' has type
              `${b.typeOf tree}' rather than an attribute set.
              Did you mean to define this outside of `options'?
            ''
          else
            mapAttrs (n: o: {
              inherit (m) _file;
              pos = b.unsafeGetAttrPos n tree;
              options = o;
            }) tree
        ) modules
      );

      # Every config must be a set; checked natively, the error (for the
      # first that is not) by the per-config form.
      checkedConfigs =
        if length (filter isAttrs (b.catAttrs "config" configs)) == length configs then
          configs
        else
          map (
            c:
            if isAttrs c.config then
              c
            else
              throw ''
                In module `${c.file}', you're trying to define a value of type `${b.typeOf c.config}'
                rather than an attribute set for the option
                `${b.concatStringsSep "." prefix}'!

                This usually happens if `${b.concatStringsSep "." prefix}' has option
                definitions inside that are not matched. Please check how to properly define
                this option by e.g. referring to `man 5 configuration.nix'!
              ''
          ) configs;

      # Definitions by name as written (options take them so, sub-trees
      # after pushDownProperties).
      rawDefs = zipAttrsWith b.seq (
        map (
          c:
          mapAttrs (_: value: {
            inherit (c) file;
            inherit value;
          }) c.config
        ) checkedConfigs
      );
      results = mapAttrs (
        name: decls:
        let
          loc = prefix ++ [ name ];
          isOptionDecl =
            d: d.options ? _type && (d.options._type == "option" || declarationTypeError loc d.options._type d._file);
          single = length decls == 1;
          first = head decls;
          optionDecls =
            if single then (if isOptionDecl first then decls else [ ]) else filter isOptionDecl decls;
          own = rawDefs.${name} or [ ];
          option =
            if single then
              singleOption loc first own
            else if length optionDecls == length decls then
              evalOptionValue loc (fixupOptionType loc (mergeOptionDecls loc decls)) own
            else
              evalOptionValue loc (fixupOptionType loc (mergeOptionDecls loc (map asOption decls))) own;
        in
        if length optionDecls == length decls || optionDecls != [ ] && lib.all (d: d.options.type.name or null == "submodule") optionDecls then
          {
            inherit option;
            unmatched = [ ];
            config = option.value;
          }
        else if optionDecls != [ ] then
          throw "The option `${showOption loc}' in module `${(head optionDecls)._file}' would be a parent of the following options, but its type `${
              (head optionDecls).options.type.description or "<no description>"
            }' does not support nested options.\n${showRawDecls loc (filter (d: !isOption d.options) decls)}"
        else
          let
            # The definitions pushed down: rawDefs has them grouped by
            # name already, in the configs' order.
            pushed = concatMap (
              d:
              map (config: {
                inherit (d) file;
                inherit config;
              }) (pushDownProperties d.value)
            ) own;
            sub = mergeLevel loc decls pushed;
          in
          {
            option = sub.matchedOptions;
            unmatched = map (d: d // { prefix = [ name ] ++ (d.prefix or [ ]); }) sub.unmatchedDefns;
            inherit (sub) config;
          }
      ) declsByName;

      # Definitions of names nothing declares, as results of their own.
      undeclared = mapAttrs (name: ds: {
        unmatched = map (d: d // { prefix = [ name ] ++ (d.prefix or [ ]); }) ds;
      }) (removeAttrs rawDefs (attrNames declsByName));
    in
    {
      matchedOptions = mapAttrs (_: r: r.option) results;
      config = mapAttrs (_: r: r.config) results;
      unmatchedDefns =
        if configs == [ ] then [ ] else concatLists (b.catAttrs "unmatched" (b.attrValues (results // undeclared)));
    };

  # Sub-option trees declared next to a submodule option become modules
  # of that submodule.
  asOption =
    d:
    if isOption d.options then
      d
    else
      d
      // {
        options = mkOption {
          type = types.submoduleWith {
            modules = [ { options = d.options; } ];
            shorthandOnlyDefinesConfig = null;
          };
        };
      };

  showRawDecls =
    loc: decls:
    b.concatStringsSep "\n" (
      b.sort (x: y: x < y) (
        concatMap (
          d:
          map (sub: " - option(s) with prefix `${showOption (loc ++ [ sub ])}' in module `${d._file}'") (
            attrNames d.options
          )
        ) decls
      )
    );

  declarationTypeError =
    loc: tag: file:
    let
      name = lib.escapeNixIdentifier (lib.last loc);
      where = lib.optionalString (length loc > 1) "\n    # ${showOption loc}";
    in
    throw (
      b.concatStringsSep "\n\n" (
        [
          "In module ${file}: expected an option declaration at option path `${showOption loc}` but got an attribute set with type ${tag}"
        ]
        ++ optional (tag == "option-type") ''
          When declaring an option, you must wrap the type in a `mkOption` call. It should look somewhat like:
              ${where}
              ${name} = lib.mkOption {
                description = ...;
                type = <the type you wrote for ${name}>;
                ...
              };
        ''
      )
    );

  # Several declarations of one option make one: only the type (when the
  # types merge) and sub-modules may come from more than one of them.
  mergeOptionDecls =
    loc: decls:
    if length decls == 1 then singleOptionDecl loc (head decls) else foldl' (
      acc: d:
      let
        o = d.options;
        both = k: o ? ${k} && acc ? ${k};
        already = "The option `${showOption loc}' in `${d._file}' is already declared in ${showFiles acc.declarations}.";
        merged = acc.type.typeMerge o.type.functor;
        typePart =
          if o ? type && acc ? type then
            if merged != null then { type = merged; } else throw already
          else
            { };
        subModules = o.type.getSubModules or null;
      in
      if both "default" || both "example" || both "description" || both "apply" then
        throw already
      else
        o
        // acc
        // {
          declarations = acc.declarations ++ [ d._file ];
          declarationPositions =
            acc.declarationPositions
            ++ [
              (
                if d.pos != null then
                  d.pos
                else
                  {
                    file = d._file;
                    line = null;
                    column = null;
                  }
              )
            ];
          options =
            if subModules != null then map (setDefaultModuleLocation d._file) subModules ++ acc.options else acc.options;
        }
        // typePart
    ) {
      inherit loc;
      declarations = [ ];
      declarationPositions = [ ];
      options = [ ];
    } decls;

  # The common case, one declaration: the fold above without the folding.
  singleOptionDecl =
    loc: d:
    let
      o = d.options;
      subModules = o.type.getSubModules or null;
    in
    o
    // {
      inherit loc;
      declarations = [ d._file ];
      declarationPositions = [
        (
          if d.pos != null then
            d.pos
          else
            {
              file = d._file;
              line = null;
              column = null;
            }
        )
      ];
      options = if subModules != null then map (setDefaultModuleLocation d._file) subModules else [ ];
    };

  # One declaration, the common case: singleOptionDecl and fixupOptionType
  # below in one copy of the declaration.
  singleOption =
    loc: d: defs:
    let
      o = d.options;
      file = d._file;
      subModules = o.type.getSubModules or null;
      type =
        if subModules != null then
          o.type.substSubModules (map (setDefaultModuleLocation file) subModules)
        else
          o.type or types.unspecified;
    in
    evalOptionValue loc (
      o
      // {
        inherit loc type;
        declarations = [ file ];
        declarationPositions = [
          (
            if d.pos != null then
              d.pos
            else
              {
                inherit file;
                line = null;
                column = null;
              }
          )
        ];
        options = [ ];
      }
    ) defs;

  # A submodule-typed option gets the sub-modules of all its declarations.
  fixupOptionType =
    loc: opt:
    let
      hasSubModules = opt.type.getSubModules or null != null;
    in
    if hasSubModules then
      opt // { options = [ ]; type = opt.type.substSubModules opt.options; }
    else
      opt // { type = opt.type or types.unspecified; };

  # The option record the module system returns for one option.
  evalOptionValue =
    loc: opt: defs:
    let
      inherit (opt) type;
      allDefs =
        if opt ? default then
          [
            {
              file = head opt.declarations;
              value = mkOptionDefault opt.default;
            }
          ]
          ++ defs
        else
          defs;
      res =
        if opt.readOnly or false && length allDefs > 1 then
          throw "The option `${showOption loc}' is read-only, but it's set multiple times. Definition values:${
            showDefs (map (d: d // { value = (definitions.mergeDefinitions loc type [ d ]).mergedValue; }) allDefs)
          }"
        else
          definitions.mergeFinal loc type (
            if opt ? default then
              definitions.finalWithDefault (head opt.declarations) opt.default defs
            else
              definitions.finalOf defs
          );
      value = if opt ? apply then opt.apply res.mergedValue else res.mergedValue;
      option = opt // {
        value = addErrorContext "while evaluating the option `${showOption loc}':" value;
        inherit (res.defsFinal') highestPrio;
        definitions = map (d: d.value) res.defsFinal;
        files = map (d: d.file) res.defsFinal;
        definitionsWithLocations = res.defsFinal;
        inherit (res) isDefined;
        valueMeta = res.checkedAndMerged.valueMeta or { };
        __toString = _: showOption loc;
      };
    in
    if type.deprecationMessage or null != null then
      lib.warn "The type `types.${type.name}' of option `${showOption loc}' defined in ${showFiles opt.declarations} is deprecated. ${type.deprecationMessage}" option
    else
      option;

  # Definitions (as {file, value}) to the value of a `type`. The records
  # are made plain first: only `file` and `value` of each take part, as the
  # merge inside lib (which makes plain ones itself) assumes.
  mergeDefinitions =
    loc: type: defs:
    let
      single = head defs;
      plain = d: { inherit (d) file value; };
    in
    definitions.mergeDefinitions loc type (
      if length defs == 1 && !(isAttrs single.value && single.value ? _type) then defs else map plain defs
    );

  # ------------------------------------------------------ alias helpers

  mkAliasDefinitions = mkAliasAndWrapDefinitions lib.id;
  mkAliasAndWrapDefinitions = wrap: option: mkAliasIfDef option (wrap (mkMerge option.definitions));
  mkAliasAndWrapDefsWithPriority =
    wrap: option:
    let
      prio = option.highestPrio or defaultOverridePriority;
    in
    mkAliasIfDef option (wrap (mkMerge (map (mkOverride prio) option.definitions)));
  mkAliasIfDef = option: mkIf (isOption option && option.isDefined);

  mkDerivedConfig = opt: f: mkOverride (opt.highestPrio or defaultOverridePriority) (f opt.value);

  mkRemovedOptionModule =
    optionName: replacementInstructions:
    { options, ... }:
    let
      opt = getAttrFromPath optionName options;
      gone = "The option `${showOption optionName}' can no longer be used since it's been removed. ${replacementInstructions}";
    in
    {
      options = setAttrByPath optionName (mkOption { visible = false; apply = _: throw gone; });
      config.assertions =
        [
          {
            assertion = !opt.isDefined;
            message = ''
              The option definition `${showOption optionName}' in ${showFiles opt.files} no longer has any effect; please remove it.
              ${replacementInstructions}
            '';
          }
        ];
    };

  mkRenamedOptionModule =
    from: to:
    doRename {
      inherit from to;
      visible = false;
      warn = true;
      use = b.trace "Obsolete option `${showOption from}' is used. It was renamed to `${showOption to}'.";
    };
  mkRenamedOptionModuleWith =
    {
      from,
      to,
      sinceRelease,
    }:
    doRename {
      inherit from to;
      visible = false;
      warn = lib.oldestSupportedReleaseIsAtLeast sinceRelease;
      use = lib.warnIf (lib.oldestSupportedReleaseIsAtLeast sinceRelease) "Obsolete option `${showOption from}' is used. It was renamed to `${showOption to}'.";
    };
  mkAliasOptionModule =
    from: to:
    doRename {
      inherit from to;
      visible = true;
      warn = false;
      use = lib.id;
    };
  mkAliasOptionModuleMD = mkAliasOptionModule;

  mkMergedOptionModule =
    from: to: mergeFn:
    { config, options, ... }:
    let
      placeholder = "_mkMergedOptionModule";
      declareOld = path: setAttrByPath path (mkOption { default = placeholder; visible = false; });
    in
    {
      options = foldl' lib.recursiveUpdate { } (map declareOld from);
      config = {
        warnings = filter (x: x != "") (
          map (
            f:
            let
              val = getAttrFromPath f config;
              opt = getAttrFromPath f options;
            in
            lib.optionalString (val != placeholder)
              "The option `${showOption f}' defined in ${showFiles opt.files} has been changed to `${showOption to}' that has a different type. Please read `${showOption to}' documentation and update your configuration accordingly."
          ) from
        );
      }
      // setAttrByPath to (
        mkMerge (
          optional (lib.any (f: getAttrFromPath f config != placeholder) from) (mergeFn config)
        )
      );
    };
  mkChangedOptionModule =
    from: to: changeFn:
    mkMergedOptionModule [ from ] to changeFn;

  doRename =
    { from, to, visible, warn, use, withPriority ? true, condition ? true }:
    { config, options, ... }:
    let
      fromOpt = getAttrFromPath from options;
      target = attrByPath to (abort "Renaming error: option `${showOption to}' does not exist.");
      toType = (attrByPath to { } options).type or (types.submodule { });
    in
    {
      options = setAttrByPath from (
        mkOption {
          inherit visible;
          description = "Alias of {option}`${showOption to}`.";
          apply = _: use (target config);
        }
        // optionalAttrs (toType != null) { type = toType; }
      );
      config = mkIf condition (mkMerge [
        (optionalAttrs (options ? warnings) {
          warnings = optional (warn && fromOpt.isDefined) "The option `${showOption from}' defined in ${showFiles fromOpt.files} has been renamed to `${showOption to}'.";
        })
        (
          if withPriority then
            mkAliasAndWrapDefsWithPriority (setAttrByPath to) fromOpt
          else
            mkAliasAndWrapDefinitions (setAttrByPath to) fromOpt
        )
      ]);
    };

  importJSON = file: {
    _file = file;
    config = lib.importJSON file;
  };
  importTOML = file: {
    _file = file;
    config = lib.importTOML file;
  };
}
