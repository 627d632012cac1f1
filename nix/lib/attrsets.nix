# lib.attrsets: attribute-set helpers, with nixpkgs' names and semantics.
# Where a builtin does the work (mapAttrs, zipAttrsWith, listToAttrs,
# removeAttrs, catAttrs, intersectAttrs) it is used as is.
{ lib }:
let
  b = builtins;
  inherit (b)
    attrNames
    attrValues
    listToAttrs
    mapAttrs
    isAttrs
    isList
    length
    head
    tail
    elemAt
    foldl'
    concatMap
    filter
    hasAttr
    getAttr
    ;
in
rec {
  inherit (b)
    attrNames
    attrValues
    listToAttrs
    mapAttrs
    hasAttr
    getAttr
    removeAttrs
    intersectAttrs
    catAttrs
    isAttrs
    zipAttrsWith
    ;

  # Walk `path` into `set`; `default` when a step is missing.
  attrByPath =
    path: default: set:
    let
      n = length path;
      go =
        i: s:
        if i == n then
          s
        else
          let
            k = elemAt path i;
          in
          if isAttrs s && s ? ${k} then go (i + 1) s.${k} else default;
    in
    go 0 set;
  hasAttrByPath =
    path: set:
    let
      n = length path;
      go =
        i: s:
        i == n
        || (
          let
            k = elemAt path i;
          in
          isAttrs s && s ? ${k} && go (i + 1) s.${k}
        );
    in
    go 0 set;
  longestValidPathPrefix =
    path: set:
    let
      n = length path;
      go =
        i: s:
        if i == n then
          i
        else
          let
            k = elemAt path i;
          in
          if isAttrs s && s ? ${k} then go (i + 1) s.${k} else i;
    in
    lib.take (go 0 set) path;
  setAttrByPath =
    path: value:
    let
      n = length path;
      go = i: if i == n then value else { ${elemAt path i} = go (i + 1); };
    in
    go 0;
  getAttrFromPath =
    path: set:
    let
      missing = abort "cannot find attribute '${lib.concatStringsSep "." path}'";
    in
    attrByPath path missing set;
  attrVals = names: set: map (n: set.${n}) names;
  getAttrs = names: set: listToAttrs (map (n: nameValuePair n set.${n}) names);

  concatMapAttrs = f: set: foldl' (acc: s: acc // s) { } (attrValues (mapAttrs f set));

  updateManyAttrsByPath =
    updates: value:
    foldl' (
      v: u:
      let
        applyMissing =
          i: cur:
          if i == length u.path then
            u.update cur
          else if isAttrs cur && cur ? ${elemAt u.path i} then
            cur // { ${elemAt u.path i} = applyMissing (i + 1) cur.${elemAt u.path i}; }
          else
            cur
            // {
              ${elemAt u.path i} = goFresh (i + 1);
            };
        goFresh = i: if i == length u.path then u.update null else { ${elemAt u.path i} = goFresh (i + 1); };
      in
      if u.path == [ ] then u.update v else applyMissing 0 v
    ) value updates;

  filterAttrs =
    pred: set:
    removeAttrs set (filter (n: !(pred n set.${n})) (attrNames set));
  filterAttrsRecursive =
    pred: set:
    listToAttrs (
      concatMap (
        name:
        let
          v = set.${name};
        in
        if pred name v then
          [ (nameValuePair name (if isAttrs v then filterAttrsRecursive pred v else v)) ]
        else
          [ ]
      ) (attrNames set)
    );
  foldlAttrs = f: init: set: foldl' (acc: name: f acc name set.${name}) init (attrNames set);
  foldAttrs =
    op: nul: list:
    foldl' (
      acc: set:
      foldl' (
        a: n:
        a // { ${n} = op set.${n} (a.${n} or nul); }
      ) acc (attrNames set)
    ) { } (lib.reverseList list);
  collect =
    pred: v:
    if pred v then
      [ v ]
    else if isAttrs v then
      concatMap (collect pred) (attrValues v)
    else
      [ ];
  cartesianProduct =
    set:
    foldl' (
      acc: name: concatMap (partial: map (x: partial // { ${name} = x; }) set.${name}) acc
    ) [ { } ] (attrNames set);
  mapCartesianProduct = f: set: map f (cartesianProduct set);

  nameValuePair = name: value: { inherit name value; };
  mapAttrs' = f: set: listToAttrs (map (n: f n set.${n}) (attrNames set));
  mapAttrsToList = f: set: map (n: f n set.${n}) (attrNames set);
  attrsToList = mapAttrsToList nameValuePair;
  mapAttrsRecursive = f: mapAttrsRecursiveCond (_: true) f;
  mapAttrsRecursiveCond =
    cond: f: set:
    let
      go =
        path:
        mapAttrs (
          name: v:
          let
            p = path ++ [ name ];
          in
          if isAttrs v && cond v then go p v else f p v
        );
    in
    go [ ] set;
  mapAttrsToListRecursive = mapAttrsToListRecursiveCond (_: _: true);
  mapAttrsToListRecursiveCond =
    cond: f: set:
    let
      go =
        path: s:
        concatMap (
          name:
          let
            v = s.${name};
            p = path ++ [ name ];
          in
          if isAttrs v && cond p v then go p v else [ (f p v) ]
        ) (attrNames s);
    in
    go [ ] set;
  genAttrs = names: f: listToAttrs (map (n: nameValuePair n (f n)) names);
  genAttrs' = xs: f: listToAttrs (map f xs);

  isDerivation = v: v.type or null == "derivation";
  toDerivation =
    path:
    let
      p = b.storePath path;
      res = {
        type = "derivation";
        name = lib.sanitizeDerivationName (lib.substring 33 (-1) (b.baseNameOf p));
        outPath = p;
        outputs = [ "out" ];
        out = res;
        outputName = "out";
      };
    in
    res;

  optionalAttrs = cond: set: if cond then set else { };

  zipAttrsWithNames =
    names: f: sets:
    listToAttrs (map (n: nameValuePair n (f n (b.catAttrs n sets))) names);
  zipAttrs = b.zipAttrsWith (_: vs: vs);
  mergeAttrsList = list: foldl' (acc: s: acc // s) { } list;

  recursiveUpdateUntil =
    pred: lhs: rhs:
    let
      go =
        path: l: r:
        l
        // mapAttrs (
          n: rv:
          let
            p = path ++ [ n ];
          in
          if l ? ${n} && isAttrs rv && isAttrs l.${n} && !(pred p l.${n} rv) then go p l.${n} rv else rv
        ) r;
    in
    go [ ] lhs rhs;
  recursiveUpdate = recursiveUpdateUntil (path: l: r: !(isAttrs l && isAttrs r));
  matchAttrs =
    pattern: set:
    assert isAttrs pattern;
    lib.all (
      n:
      let
        p = pattern.${n};
      in
      set ? ${n} && (if isAttrs p then isAttrs set.${n} && matchAttrs p set.${n} else p == set.${n})
    ) (attrNames pattern);
  overrideExisting = old: new: mapAttrs (n: v: new.${n} or v) old;
  showAttrPath = path: if path == [ ] then "<root attribute path>" else lib.concatMapStringsSep "." lib.escapeNixIdentifier path;

  getOutput =
    output: pkg: if !(pkg ? outputSpecified) || !pkg.outputSpecified then pkg.${output} or pkg.out or pkg else pkg;
  getFirstOutput =
    candidates: pkg:
    let
      found = lib.findFirst (o: pkg ? ${o}) null candidates;
    in
    if pkg.outputSpecified or false || found == null then pkg else pkg.${found};
  getBin = getOutput "bin";
  getLib = getOutput "lib";
  getStatic = getFirstOutput [ "static" "lib" "out" ];
  getDev = getOutput "dev";
  getInclude = getFirstOutput [ "include" "dev" "out" ];
  getMan = getOutput "man";
  chooseDevOutputs = map getDev;
  recurseIntoAttrs = set: set // { recurseForDerivations = true; };
  dontRecurseIntoAttrs = set: set // { recurseForDerivations = false; };
  unionOfDisjoint =
    x: y:
    let
      both = b.intersectAttrs x y;
      clashes = attrNames both;
    in
    if clashes == [ ] then
      x // y
    else
      throw "unionOfDisjoint: collision on ${toString clashes}; complete list: ${toString clashes}";
}
