# flags: --json
"just a string with\ttab"
