with builtins;
[
  (split "a" "xay") (split "," "a,b,,c") (split "(a)" "xay") (split "(a)|(b)" "xaybz")
  (split "x" "") (split "" "ab") (split "[[:space:]]+" " a  b ") (split "(o)(o)?" "foo boo")
  (split "q" "no match")
]
