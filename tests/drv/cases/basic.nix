# Attribute-to-environment rules: strings, numbers, booleans, null, lists,
# paths, nested derivations, args.
let
  dep = derivation {
    name = "dep";
    system = "x86_64-linux";
    builder = "/bin/sh";
    args = [ "-c" "echo dep > $out" ];
  };
in
derivation {
  name = "basic";
  system = "x86_64-linux";
  builder = "/bin/sh";
  args = [ "-c" "echo ${dep} > $out" 42 true false null 1.5 ./src/hello.txt ];
  yes = true;
  no = false;
  nothing = null;
  int = 42;
  neg = -7;
  float = 0.1;
  list = [ 1 "two" true false null [ "nested" 3 ] dep ];
  emptyList = [ ];
  str = "with \"quotes\" and \\ and\nnewline\ttab\r";
  path = ./src/hello.txt;
  dir = ./src;
  inherit dep;
  depDev = dep.drvPath;
  unicode = "héllo ✓";
}
