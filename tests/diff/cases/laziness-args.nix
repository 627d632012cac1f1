let
  const = x: y: x;
  ignore = _: "ignored";
in
[ (const 1 (throw "no")) (ignore (abort "no")) (({ a, b }: a) { a = 1; b = throw "no"; }) ]
