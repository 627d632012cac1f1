# nolive: Nix 2.8 wraps around; upstream reports "integer overflow"
9223372036854775807 + 1
