# __structuredAttrs: the attributes travel as JSON in __json.
let
  dep = derivation { name = "dep"; system = "x86_64-linux"; builder = "/bin/sh"; };
in
derivation {
  name = "structured";
  system = "x86_64-linux";
  builder = "/bin/sh";
  __structuredAttrs = true;
  outputs = [ "out" "doc" ];
  b = true;
  n = null;
  i = 3;
  f = 2.5;
  l = [ 1 "x" [ ] { } dep ];
  s = { nested = { deep = "yes"; }; withDrv = dep; path = ./src/hello.txt; };
  str = "tab\there \"q\" ünïcode \u0001";
  outputChecks.out.allowedReferences = [ dep ];
}
