# flags: --json
{ a = 1; b = [ "two" 3.5 null true ]; c = { d = "nested\n\"quoted\""; }; e = [ ]; f = { }; g = -4; }
