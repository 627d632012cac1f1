# nolive: Nix 2.8 accepts it; upstream rejects integers that do not fit in 64 bits
builtins.fromJSON "9223372036854775808"
