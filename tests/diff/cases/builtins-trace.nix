builtins.trace "message on stderr" (builtins.trace { a = 1; } "value")
