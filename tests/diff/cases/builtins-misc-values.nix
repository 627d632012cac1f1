with builtins;
[ true false null (builtins.true) (builtins.null) storeDir (isAttrs builtins) (builtins ? map) (builtins ? nonexistentBuiltin) ]
