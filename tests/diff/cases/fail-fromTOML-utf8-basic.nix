# A TOML document that is not UTF-8 (a truncated sequence in a basic string).
builtins.fromTOML "a = \"Ã\"\nb = 1"
