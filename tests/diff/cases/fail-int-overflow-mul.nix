# nolive: Nix 2.8 wraps around; upstream reports "integer overflow"
4294967296 * 4294967296
