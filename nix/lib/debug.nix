# lib.debug: tracing helpers.
{ lib }:
let
  b = builtins;
in
rec {
  traceIf = pred: msg: x: if pred then b.trace msg x else x;
  traceValFn = f: x: b.trace (f x) x;
  traceVal = traceValFn lib.id;
  traceSeq = x: y: b.trace (b.deepSeq x x) y;
  traceSeqN =
    depth: x: y:
    b.trace (lib.generators.toPretty { allowPrettyValues = true; } (
      lib.generators.withRecursion {
        depthLimit = depth;
        throwOnDepthLimit = false;
      } x
    )) y;
  traceValSeqFn = f: v: traceValFn f (b.deepSeq v v);
  traceValSeq = traceValSeqFn lib.id;
  traceValSeqNFn = f: depth: v: traceSeqN depth (f v) v;
  traceValSeqN = traceValSeqNFn lib.id;
  traceFnSeqN =
    depth: name: f: v:
    let
      res = f v;
    in
    traceSeqN (depth + 1) {
      fn = name;
      from = v;
      to = res;
    } res;
  runTests =
    tests:
    lib.concatLists (
      lib.mapAttrsToList (
        name: test:
        let
          ok = test.expr == test.expected;
        in
        if lib.hasPrefix "test" name && !ok then
          [
            {
              inherit name;
              inherit (test) expected;
              result = test.expr;
            }
          ]
        else
          [ ]
      ) tests
    );
  testAllTrue = expr: {
    inherit expr;
    expected = map (_: true) expr;
  };
}
