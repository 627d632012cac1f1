with builtins;
[ (addErrorContext "while testing" 1) (addErrorContext "ctx" { a = "b"; }) (tryEval (addErrorContext "ctx" (throw "x"))).success ]
