# nolive: Nix 2.8 itself aborts here (toml11 3.x: assertion sz >= 0, exit 134); upstream Nix reports an error, as Bastion does
# A TOML document that is not UTF-8 (here inside a literal string) is an
# error, never a crash.
builtins.fromTOML "a = 'ÿ'"
