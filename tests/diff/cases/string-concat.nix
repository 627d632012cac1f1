[ ("a" + "b") ("" + "") ("x" + "y" + "z") ("${"a"}" + "${"b"}") (builtins.concatStringsSep "" [ "p" "q" ]) ]
