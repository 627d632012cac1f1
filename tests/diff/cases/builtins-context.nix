with builtins;
let s = "plain"; in
[ (hasContext s) (getContext s) (unsafeDiscardStringContext s) (hasContext (toString 1)) (unsafeDiscardOutputDependency "x") ]
