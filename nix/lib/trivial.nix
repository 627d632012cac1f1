# lib.trivial: small combinators and wrappers around builtins.
{ lib }:
let
  b = builtins;
in
rec {
  id = x: x;
  const = x: _: x;
  pipe = builtins.foldl' (x: f: f x);
  concat = x: y: x ++ y;
  "or" = x: y: x || y;
  and = x: y: x && y;
  xor = x: y: (!x) != (!y);
  mul = x: y: x * y;
  div = b.div;
  add = b.add;
  sub = b.sub;
  lessThan = b.lessThan;
  seq = b.seq;
  deepSeq = b.deepSeq;
  bitAnd = b.bitAnd;
  bitOr = b.bitOr;
  bitXor = b.bitXor;
  bitNot = b.sub (-1);
  boolToString = v: if v then "true" else "false";
  boolToYesNo = v: if v then "yes" else "no";
  mergeAttrs = x: y: x // y;
  flip = f: a: c: f c a;
  defaultTo = d: v: if v == null then d else v;
  mapNullable = f: v: if v == null then null else f v;
  min = x: y: if x < y then x else y;
  max = x: y: if x > y then x else y;
  mod = base: n: base - (n * (base / n));
  compare = a: c: if a < c then -1 else if a > c then 1 else 0;
  splitByAndCompare =
    p: yes: no: a: c:
    if p a then (if p c then yes a c else -1) else if p c then 1 else no a c;
  importJSON = path: b.fromJSON (b.readFile path);
  importTOML = path: b.fromTOML (b.readFile path);
  inNixShell = b.getEnv "IN_NIX_SHELL" != "";
  inPureEvalMode = !(b ? currentSystem);
  isFloat = b.isFloat;
  isBool = b.isBool;
  isInt = b.isInt;
  pathExists = b.pathExists;
  readFile = b.readFile;
  genericClosure = b.genericClosure;
  ceil = b.ceil or (x: let f = b.floor x; in if f == x then f else f + 1);
  floor = b.floor;
  # builtins.warn where the evaluator has it; else a trace in the same words.
  warn =
    b.warn or (
      msg: v:
      assert b.isString msg;
      if b.elem (b.getEnv "NIX_ABORT_ON_WARN") [ "1" "true" "yes" ] then
        b.trace "[1;31mevaluation warning:[0m ${msg}" (
          abort "NIX_ABORT_ON_WARN=true; warnings are treated as unrecoverable errors."
        )
      else
        b.trace "[1;35mevaluation warning:[0m ${msg}" v
    );
  warnIf = cond: msg: if cond then warn msg else id;
  warnIfNot = cond: msg: if cond then id else warn msg;
  throwIf = cond: msg: if cond then throw msg else id;
  throwIfNot = cond: msg: if cond then id else throw msg;
  info = msg: b.trace "INFO: ${msg}";
  showWarnings = warnings: res: lib.foldr (w: x: warn w x) res warnings;
  checkListOfEnum =
    msg: valid: given:
    let
      unexpected = lib.subtractLists valid given;
    in
    throwIfNot (unexpected == [ ])
      "${msg}: ${b.concatStringsSep ", " (b.map b.toString unexpected)} unexpected; valid ones: ${b.concatStringsSep ", " (b.map b.toString valid)}";
  release = "26.11";
  oldestSupportedRelease = 2505;
  isInOldestRelease = oldestSupportedReleaseIsAtLeast;
  oldestSupportedReleaseIsAtLeast = release: release <= oldestSupportedRelease;
  codeName = "Bastion";
  versionSuffix = "pre-bastion";
  version = release + versionSuffix;
  nixpkgsVersion = version;
  revisionWithDefault = default: default;
  isFunction = f: b.isFunction f || (f ? __functor && isFunction (f.__functor f));
  functionArgs = f: if f ? __functor then f.__functionArgs or (functionArgs (f.__functor f)) else b.functionArgs f;
  setFunctionArgs = f: args: { __functor = self: f; __functionArgs = args; };
  mirrorFunctionArgs = f: g: setFunctionArgs g (functionArgs f);
  toFunction = v: if isFunction v then v else _: v;
  toHexString = n: lib.concatMapStrings (d: b.elemAt [ "0" "1" "2" "3" "4" "5" "6" "7" "8" "9" "A" "B" "C" "D" "E" "F" ] d) (toBaseDigits 16 n);
  fromHexString = s: (b.fromTOML "v=0x${lib.toLower s}").v;
  toBaseDigits =
    base: n:
    let
      go = n: if n < base then [ n ] else go (n / base) ++ [ (mod n base) ];
    in
    assert base >= 2; assert n >= 0; go n;
}
