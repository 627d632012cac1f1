# --strict forces everything in the result
{ a = 1; b = [ (throw "found by --strict") ]; }
