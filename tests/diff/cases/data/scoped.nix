# x and y come from builtins.scopedImport
[ x y ]
