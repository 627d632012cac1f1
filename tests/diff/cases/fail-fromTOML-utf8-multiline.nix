# A surrogate (not UTF-8) in a multi-line literal string.
builtins.fromTOML "a = '''í €'''"
