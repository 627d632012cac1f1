# The merge of one option's definitions, the module system's innermost
# loop (it runs for every option and for every element of a container
# option): properties discharged, overrides filtered, orders sorted, then
# the type's check and merge. Not a public part of lib: lib.modules and
# lib.types import it. `mergeDefinitions` here takes definitions that are
# plain { file, value } records, which every caller inside lib makes;
# lib.modules.mergeDefinitions (the public one) cleans its input first.
#
# Why the shape: most definitions carry no property at all, so the tags of
# a list of definitions are read natively (catAttrs/filter isAttrs/elem, no
# Nix function per definition) and the per-definition work only runs for
# the lists that have a property of the kind at hand.
{ lib }:
let
  b = builtins;
  inherit (b)
    addErrorContext
    catAttrs
    concatLists
    concatMap
    elem
    filter
    head
    isAttrs
    isBool
    length
    ;
  inherit (lib) showOption showDefs;
  defaultOverridePriority = 100;
  defaultOrderPriority = 1000;

  # The `_type` tags among the definitions' values (each value is forced).
  tagsOf = defs: catAttrs "_type" (filter isAttrs (catAttrs "value" defs));
in
rec {
  # Where conditions are evaluated: the list of values a definition makes.
  dischargeProperties =
    def:
    let
      t = def._type or "";
    in
    if t == "merge" then
      concatMap dischargeProperties def.contents
    else if t == "if" then
      if !isBool def.condition then
        throw "‘mkIf’ called with a non-Boolean condition"
      else if def.condition then
        dischargeProperties def.content
      else
        [ ]
    else
      [ def ];

  # mkMerge/mkIf of plain { file, value } definitions discharged; a
  # definition without either stays the record it is.
  # (`tags` are the definitions' tagsOf, read once by the caller.)
  discharge =
    tags: defs:
    if !(elem "merge" tags || elem "if" tags || elem "definition" tags) then
      defs
    else
      concatMap (
        d:
        let
          v = d.value;
          t = v._type or "";
        in
        if t == "merge" || t == "if" then
          map (v: if v._type or "" == "definition" then v else { inherit (d) file; value = v; }) (
            addErrorContext "while evaluating definitions from `${d.file}':" (dischargeProperties v)
          )
        else if t == "definition" then
          [ v ]
        else
          [ d ]
      ) defs;

  filterOverrides' = defs: filterOverridesTagged (tagsOf defs) defs;
  filterOverridesTagged =
    tags: defs:
    if defs == [ ] then
      {
        values = [ ];
        highestPrio = 9999;
      }
    else if !(elem "override" tags) then
      {
        values = defs;
        highestPrio = defaultOverridePriority;
      }
    else
      let
        prios = map (
          d:
          let
            v = d.value;
          in
          if v._type or "" == "override" then v.priority else defaultOverridePriority
        ) defs;
        # The lowest number wins; 9999 is where lib's fold starts.
        lowest = head (b.sort b.lessThan prios);
        top = if lowest < 9999 then lowest else 9999;
        unwrapped =
          d:
          let
            v = d.value;
          in
          if v._type or "" == "override" then d // { value = v.content; } else d;
      in
      if length defs == 1 then
        {
          values = map unwrapped defs;
          highestPrio = head prios;
        }
      else
        {
          values = concatLists (
            b.genList (
              i:
              if b.elemAt prios i == top then
                [ (unwrapped (b.elemAt defs i)) ]
              else
                [ ]
            ) (length defs)
          );
          highestPrio = top;
        };

  sortProperties =
    defs:
    let
      unwrap =
        d:
        let
          v = d.value;
        in
        if v._type or "" == "order" then
          d
          // {
            value = v.content;
            inherit (v) priority;
          }
        else
          d;
      orderOf = d: d.priority or defaultOrderPriority;
    in
    b.sort (x: y: orderOf x < orderOf y) (map unwrap defs);

  # What remains of plain definitions after their properties: `values`
  # (discharged, the highest priority only, in order) and `highestPrio`.
  finalOf =
    defs:
    let
      single = head defs;
    in
    if
      length defs == 1
      && !(addErrorContext "while evaluating definitions from `${single.file}':" (isAttrs single.value && single.value ? _type))
    then
      {
        values = defs;
        highestPrio = defaultOverridePriority;
      }
    else
      let
        tags = tagsOf defs;
        discharging = elem "merge" tags || elem "if" tags || elem "definition" tags;
        discharged = discharge tags defs;
        # Tags change only where something was discharged or unwrapped.
        after = if discharging then tagsOf discharged else tags;
        filtered = filterOverridesTagged after discharged;
        ordered =
          if elem "override" after then elem "order" (tagsOf filtered.values) else elem "order" after;
      in
      if defs != [ ] && tags == [ ] then
        {
          values = defs;
          highestPrio = defaultOverridePriority;
        }
      else
        {
          values = if ordered then sortProperties filtered.values else filtered.values;
          inherit (filtered) highestPrio;
        };

  # An option's definitions after its default (the declaration's file):
  # finalOf of both, without the work where the outcome is plain — the
  # default alone, or definitions without any property (which beat it).
  finalWithDefault =
    file: default: defs:
    if defs == [ ] then
      if isAttrs default && default ? _type then
        finalOf [
          {
            inherit file;
            value = {
              _type = "override";
              priority = 1500;
              content = default;
            };
          }
        ]
      else
        {
          values = [
            {
              inherit file;
              value = default;
            }
          ];
          highestPrio = 1500;
        }
    else if tagsOf defs == [ ] then
      {
        values = defs;
        highestPrio = defaultOverridePriority;
      }
    else
      finalOf (
        [
          {
            inherit file;
            value = {
              _type = "override";
              priority = 1500;
              content = default;
            };
          }
        ]
        ++ defs
      );

  # Definitions (plain { file, value } records) to the value of a `type`.
  mergeDefinitions = loc: type: defs: mergeFinal loc type (finalOf defs);

  # The merge once the final definitions are known.
  mergeFinal = loc: type: defsFinal': rec {
    inherit defsFinal';
    defsFinal = defsFinal'.values;
    isDefined = defsFinal != [ ];
    checkedAndMerged =
      if type.merge ? v2 then
        type.merge.v2 {
          inherit loc;
          defs = defsFinal;
        }
      else
        {
          headError = null;
          value = mergedValue;
          valueMeta = { };
        };
    mergedValue =
      if isDefined then
        if type.merge ? v2 then
          if checkedAndMerged.headError or null != null then
            throw "A definition for option `${showOption loc}' is not of type `${type.description}'. TypeError: ${checkedAndMerged.headError.message}"
          else
            checkedAndMerged.value
        else if b.all (d: type.check d.value) defsFinal then
          type.merge loc defsFinal
        else
          throw "A definition for option `${showOption loc}' is not of type `${type.description}'. Definition values:${
            showDefs (filter (d: !type.check d.value) defsFinal)
          }"
      else if type.emptyValue ? value then
        type.emptyValue.value
      else
        throw "The option `${showOption loc}' was accessed but has no value defined. Try setting the option.";
    optionalValue = if isDefined then { value = mergedValue; } else { };
  };
}
