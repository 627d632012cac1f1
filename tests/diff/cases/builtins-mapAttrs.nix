with builtins;
[ (mapAttrs (name: value: name + "=" + toString value) { a = 1; b = 2; }) (mapAttrs (n: v: v * 2) { }) ((mapAttrs (n: v: throw "lazy") { x = 1; }) ? x) ]
