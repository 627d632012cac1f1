# flags: -A xs.1.name
{ xs = [ { name = "zero"; } { name = "one"; } ]; }
