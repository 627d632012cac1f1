let
  dep = builtins.toFile "dep.txt" "dependency\n";
in builtins.toFile "top.txt" "top refers to ${dep}\n"
