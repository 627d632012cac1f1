# lib.strings: string helpers. Most are one builtin or one regular
# expression; the behaviour (and the words of errors) follows nixpkgs' lib.
{ lib }:
let
  b = builtins;
  inherit (b)
    concatStringsSep
    stringLength
    substring
    replaceStrings
    genList
    length
    elemAt
    filter
    isString
    isList
    match
    split
    ;
  # The strings between the separators of builtins.split's result.
  pieces = xs: filter isString xs;
in
rec {
  inherit (b)
    concatStringsSep
    stringLength
    substring
    replaceStrings
    match
    split
    toJSON
    fromJSON
    isString
    hasContext
    getContext
    appendContext
    unsafeDiscardStringContext
    unsafeDiscardOutputDependency
    ;
  typeOf = b.typeOf;

  concatStrings = concatStringsSep "";
  concatMapStrings = f: xs: concatStrings (map f xs);
  concatImapStrings = f: xs: concatStrings (lib.imap1 f xs);
  concatMapStringsSep = sep: f: xs: concatStringsSep sep (map f xs);
  concatImapStringsSep = sep: f: xs: concatStringsSep sep (lib.imap1 f xs);
  concatMapAttrsStringSep = sep: f: set: concatStringsSep sep (lib.mapAttrsToList f set);
  concatLines = xs: concatMapStrings (s: s + "\n") xs;
  join = concatStringsSep;
  intersperse =
    sep: xs:
    if xs == [ ] then
      [ ]
    else
      b.tail (b.concatMap (x: [
        sep
        x
      ]) xs);
  replaceString = from: to: replaceStrings [ from ] [ to ];
  replicate = n: s: concatStrings (genList (_: s) n);

  trimWith =
    {
      start ? false,
      end ? false,
    }:
    s:
    let
      re =
        if start && end then
          "[[:space:]]*(.*[^[:space:]])[[:space:]]*"
        else if start then
          "[[:space:]]*(.*)"
        else if end then
          "(.*[^[:space:]])[[:space:]]*"
        else
          "(.*)";
      m = match re s;
    in
    if !start && !end then s else if m == null then "" else b.head m;
  trim = trimWith {
    start = true;
    end = true;
  };

  optionalString = cond: s: if cond then s else "";
  hasPrefix = pre: s: substring 0 (stringLength pre) s == pre;
  hasSuffix =
    suf: s:
    let
      ls = stringLength s;
      lf = stringLength suf;
    in
    lf <= ls && substring (ls - lf) lf s == suf;
  # "${s}": anything string-like (a derivation, a path) is searched too, as nixpkgs' does.
  hasInfix = infix: s: b.length (split (escapeRegex infix) "${s}") > 1 || infix == "";
  removePrefix =
    pre: s:
    let
      l = stringLength pre;
    in
    if substring 0 l s == pre then substring l (-1) s else s;
  removeSuffix =
    suf: s:
    let
      ls = stringLength s;
      lf = stringLength suf;
    in
    if lf <= ls && substring (ls - lf) lf s == suf then substring 0 (ls - lf) s else s;

  stringToCharacters = s: genList (i: substring i 1 s) (stringLength s);
  stringAsChars = f: s: concatMapStrings f (stringToCharacters s);
  charToInt = c: asciiCodes.${c} or (throw "charToInt: ${c} is not an ASCII character");
  asciiCodes = b.listToAttrs (
    genList (i: {
      name = b.fromJSON ''"\u${lib.fixedWidthString 4 "0" (lib.toHexString (i + 1))}"'';
      value = i + 1;
    }) 126
  );

  lowerChars = stringToCharacters "abcdefghijklmnopqrstuvwxyz";
  upperChars = stringToCharacters "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  toLower = replaceStrings upperChars lowerChars;
  toUpper = replaceStrings lowerChars upperChars;
  toSentenceCase =
    s:
    if s == "" then
      ""
    else
      toUpper (substring 0 1 s) + toLower (substring 1 (-1) s);

  escape = chars: replaceStrings chars (map (c: "\\${c}") chars);
  escapeC =
    chars:
    replaceStrings chars (map (c: "\\x${toLower (lib.fixedWidthString 2 "0" (lib.toHexString (charToInt c)))}") chars);
  escapeShellArg =
    arg:
    let
      s = toString arg;
    in
    if match "[[:alnum:],._+:@%/-]+" s != null then s else "'${replaceStrings [ "'" ] [ "'\\''" ] s}'";
  escapeShellArgs = concatMapStringsSep " " escapeShellArg;
  isValidPosixName = name: match "[a-zA-Z_][a-zA-Z0-9_]*" name != null;
  toShellVar =
    name: value:
    assert lib.assertMsg (isValidPosixName name) "toShellVar: ${name} is not a valid shell variable name";
    if b.isAttrs value && !isStringLike value then
      "declare -A ${name}=(${
        concatStringsSep " " (lib.mapAttrsToList (n: v: "[${escapeShellArg n}]=${escapeShellArg v}") value)
      })"
    else if isList value then
      "declare -a ${name}=(${escapeShellArgs value})"
    else
      "${name}=${escapeShellArg value}";
  toShellVars = vars: concatStringsSep "\n" (lib.mapAttrsToList toShellVar vars);
  escapeNixString = s: escape [ "$" ] (b.toJSON s);
  escapeRegex = escape (stringToCharacters "\\[{()^$?*+|.");
  escapeNixIdentifier =
    s: if match "[a-zA-Z_][a-zA-Z0-9_'-]*" s != null then s else escapeNixString s;
  escapeXML =
    replaceStrings
      [ "\"" "'" "<" ">" "&" ]
      [ "&quot;" "&apos;" "&lt;" "&gt;" "&amp;" ];
  escapeURL =
    let
      keep = lowerChars ++ upperChars ++ stringToCharacters "0123456789-._~";
      all = genList (i: b.fromJSON ''"\u${lib.fixedWidthString 4 "0" (lib.toHexString (i + 1))}"'') 126;
      toEscape = filter (c: !(b.elem c keep)) all;
    in
    replaceStrings toEscape (map (c: "%${lib.fixedWidthString 2 "0" (lib.toHexString (charToInt c))}") toEscape);

  splitString = sep: s: pieces (split (escapeRegex (toString sep)) (toString s));
  splitStringBy =
    pred: keepSplits: s:
    let
      chars = stringToCharacters s;
      step =
        acc: i:
        let
          prev = if i == 0 then "" else elemAt chars (i - 1);
          c = elemAt chars i;
        in
        if i > 0 && pred prev c then
          {
            done = acc.done ++ [ acc.cur ];
            cur = if keepSplits then c else "";
          }
        else
          acc // { cur = acc.cur + c; };
      r = b.foldl' step {
        done = [ ];
        cur = "";
      } (genList (i: i) (length chars));
    in
    r.done ++ [ r.cur ];

  makeSearchPath = sub: paths: concatStringsSep ":" (map (p: "${p}/${sub}") (filter (p: p != null) paths));
  makeSearchPathOutput =
    output: sub: pkgs:
    makeSearchPath sub (map (lib.getOutput output) pkgs);
  makeLibraryPath = makeSearchPathOutput "lib" "lib";
  makeIncludePath = makeSearchPathOutput "dev" "include";
  makeBinPath = makeSearchPathOutput "bin" "bin";
  normalizePath =
    s:
    let
      collapse = acc: c: if c == "/" && lib.hasSuffix "/" acc then acc else acc + c;
    in
    b.foldl' collapse "" (stringToCharacters s);

  versionOlder = v1: v2: b.compareVersions v2 v1 == 1;
  versionAtLeast = v1: v2: !(versionOlder v1 v2);
  getName =
    x: if isString x then (b.parseDrvName x).name else x.pname or (b.parseDrvName x.name).name;
  getVersion =
    x: if isString x then (b.parseDrvName x).version else x.version or (b.parseDrvName x.name).version;
  nameFromURL =
    url: sep:
    let
      base = lib.last (splitString "/" url);
      parts = splitString sep base;
    in
    assert base != "";
    if length parts > 1 then concatStringsSep sep (lib.init parts) else base;

  enableFeature = flag: feature: "--${if flag then "enable" else "disable"}-${feature}";
  enableFeatureAs = flag: feature: value: enableFeature flag feature + optionalString flag "=${value}";
  withFeature = flag: feature: "--${if flag then "with" else "without"}-${feature}";
  withFeatureAs = flag: feature: value: withFeature flag feature + optionalString flag "=${value}";
  cmakeOptionType = type: feature: value: "-D${feature}:${toUpper type}=${value}";
  cmakeBool = condition: flag: cmakeOptionType "bool" condition (lib.boolToString flag);
  cmakeFeature = feature: value: cmakeOptionType "string" feature value;
  mesonOption = feature: value: "-D${feature}=${value}";
  mesonBool = condition: flag: mesonOption condition (lib.boolToString flag);
  mesonEnable = feature: flag: mesonOption feature (if flag then "enabled" else "disabled");

  fixedWidthString =
    width: filler: s:
    let
      missing = width - stringLength s;
    in
    assert lib.assertMsg (stringLength filler == 1) "fixedWidthString: filler must be a single character";
    if missing <= 0 then s else replicate missing filler + s;
  fixedWidthNumber = width: n: fixedWidthString width "0" (toString n);
  floatToString =
    f:
    let
      r = toString f;
    in
    lib.warnIf (b.fromJSON r != f) "Imprecise conversion from float to string ${r}" r;

  isConvertibleWithToString =
    x: isStringLike x || b.elem (b.typeOf x) [ "null" "int" "float" "bool" ] || (isList x && lib.all isConvertibleWithToString x);
  isStringLike = x: isString x || b.isPath x || x ? outPath || x ? __toString;
  isStorePath =
    x:
    if isStringLike x then
      let
        s = toString x;
      in
      substring 0 1 s == "/" && dirOfStr s == b.storeDir && match ".{32}-.+" (b.baseNameOf s) != null
    else
      false;
  dirOfStr = s: b.dirOf s;

  toInt =
    s:
    let
      m = match "[[:space:]]*(-?[0-9]+)[[:space:]]*" s;
      stripped = if m == null then null else b.head m;
      leadingZero = stripped != null && match "-?0[0-9]+" stripped != null;
    in
    if m == null || leadingZero then
      throw "toInt: Could not convert ${escapeNixString s} to int."
    else
      b.fromJSON stripped;
  toIntBase10 =
    s:
    let
      m = match "[[:space:]]*(-?)0*([0-9]+)[[:space:]]*" s;
    in
    if m == null then
      throw "toIntBase10: Could not convert ${escapeNixString s} to int."
    else
      b.fromJSON (b.elemAt m 0 + b.elemAt m 1);

  fileContents = file: removeSuffix "\n" (b.readFile file);
  readPathsFromFile = rootPath: file: map (p: rootPath + "/${p}") (filter (l: l != "" && !(hasPrefix "#" l)) (splitString "\n" (b.readFile file)));
  addContextFrom = src: target: substring 0 0 src + target;

  sanitizeDerivationName =
    s:
    let
      okay = concatStrings (map (p: if isList p then "-" else p) (split "[^[:alnum:]+._?=-]+" s));
      noDot = if hasPrefix "." okay then "-" + removePrefix "." okay else okay;
      short = if stringLength noDot > 207 then substring (stringLength noDot - 207) 207 noDot else noDot;
    in
    if short == "" then "unknown" else short;

  commonPrefixLength =
    a: c:
    let
      n = lib.min (stringLength a) (stringLength c);
      go = i: if i < n && substring i 1 a == substring i 1 c then go (i + 1) else i;
    in
    go 0;
  commonSuffixLength =
    a: c:
    let
      la = stringLength a;
      lc = stringLength c;
      n = lib.min la lc;
      go = i: if i < n && substring (la - i - 1) 1 a == substring (lc - i - 1) 1 c then go (i + 1) else i;
    in
    go 0;

  # Edit distance by the classic dynamic programme, one row at a time.
  levenshtein =
    a: c:
    let
      xs = stringToCharacters a;
      ys = stringToCharacters c;
      ly = length ys;
      first = genList (j: j) (ly + 1);
      nextRow =
        row: i:
        let
          x = elemAt xs i;
          cells = b.foldl' (
            acc: j:
            let
              cost = if x == elemAt ys j then 0 else 1;
              v = lib.min (lib.min (elemAt row (j + 1) + 1) (acc.prev + 1)) (elemAt row j + cost);
            in
            {
              prev = v;
              out = acc.out ++ [ v ];
            }
          ) { prev = i + 1; out = [ (i + 1) ]; } (genList (j: j) ly);
        in
        cells.out;
      last = b.foldl' nextRow first (genList (i: i) (length xs));
    in
    elemAt last ly;
  levenshteinAtMost =
    k: a: c:
    let
      d = stringLength a - stringLength c;
    in
    (if d < 0 then -d else d) <= k && levenshtein a c <= k;
}
