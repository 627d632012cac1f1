with builtins;
[
  (match "a" "a") (match "a" "b") (match "a+" "aaa") (match "(a)(b)" "ab") (match "(a)|(b)" "b")
  (match "([[:alpha:]]+)-([0-9]+)" "foo-123") (match ".*\\.nix" "default.nix") (match "x(y)?" "x")
  (match "" "") (match "a" "ba") (match "[[:space:]]*(.*)[[:space:]]*" "  trimmed") (match "(.*)\n(.*)" "l1\nl2")
  (match "([^=]+)=(.*)" "key=value=more") (match "a{2,3}" "aaa") (match "\\$\\{" "\${")
]
