# flags: --json
let s = { x = 1; y = s.x + 1; }; in { inherit (s) x y; sum = s.x + s.y; outPath = "peeled/away"; }
