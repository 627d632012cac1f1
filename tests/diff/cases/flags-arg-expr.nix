# flags: --arg f "x: x * 2" --arg s "{ a = 1; }"
{ f, s }: f s.a
