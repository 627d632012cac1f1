builtins.readDir ./data/does-not-exist
