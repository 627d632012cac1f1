# undefined variables are caught statically, even in dead code
if true then 1 else undefinedVariable
