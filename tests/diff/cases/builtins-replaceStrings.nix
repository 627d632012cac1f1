with builtins;
[
  (replaceStrings [ "o" ] [ "a" ] "foobar")
  (replaceStrings [ "oo" ] [ "u" ] "foobar")
  (replaceStrings [ "oo" "a" ] [ "a" "oo" ] "foobar")
  (replaceStrings [ "" ] [ "X" ] "abc")
  (replaceStrings [ "" ] [ "X" ] "")
  (replaceStrings [ "a" "" ] [ "A" "-" ] "abc")
  (replaceStrings [ ] [ ] "unchanged")
  (replaceStrings [ "x" ] [ "y" ] "")
  (replaceStrings [ "&" "<" ">" ] [ "&amp;" "&lt;" "&gt;" ] "<a & b>")
  (replaceStrings [ "ab" "b" ] [ "1" "2" ] "abbab")
]
