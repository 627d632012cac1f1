# Printing escapes only ", \, newline, CR, tab and ${.
[ "\"" "\\" "\n" "\r" "\t" "\${" "$" "{" "}" "$}" "'" "''" "é ü 日本" "\u" ]
