[
  ("a" < "b") ("b" < "a") ("a" < "aa") ("Z" < "a") ("" < "") ("" <= "") ("abc" >= "abb")
  ("10" < "9") ("é" > "e") (builtins.lessThan "x" "y")
  (builtins.sort builtins.lessThan [ "banana" "apple" "Cherry" "apple2" "" "a" ])
]
