with builtins;
let r = tryEval (throw "message"); in [ r.success r.value (tryEval (if true then throw "x" else 1)) ]
