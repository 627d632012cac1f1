# a path must be absolute
builtins.toPath "relative/path"
