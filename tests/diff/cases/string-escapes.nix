[ "a\nb" "tab\there" "cr\rx" "back\\slash" "quote\"d" "dollar\$" "not\${interp}" "unknown\q\z\ " "$" "$$" "a$b" "$${x}" "${"$"}{x}" "\\\"\\" ]
