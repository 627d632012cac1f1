# exportReferencesGraph, plain and with structured attributes: the closure
# of an input as nix-store --register-validity lines, and as path infos in
# .attrs.json (narHash, narSize, references, closureSize), a path inside a
# store path standing for the store path.
let
  mk = name: script: derivation { inherit name; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" script ]; };
  a = mk "a" "echo a > $out";
  b = mk "b" "mkdir $out; echo ${a} > $out/a-ref";
  c = mk "c" "echo ${b} > $out";
  text = builtins.toFile "t" "text referring to ${c}";
  plain = derivation {
    name = "graph-plain";
    system = "x86_64-linux";
    builder = "/bin/sh";
    exportReferencesGraph = [ "closure" c "inner.file" "${b}/a-ref" "text" text ];
    args = [ "-c" "mkdir $out; cp closure inner.file text $out/" ];
  };
  structured = derivation {
    name = "graph-structured";
    system = "x86_64-linux";
    builder = "/bin/sh";
    __structuredAttrs = true;
    exportReferencesGraph.closure = [ c text ];
    exportReferencesGraph.other = [ a ];
    args = [ "-c" "mkdir $out; cp .attrs.json $out/; cp .attrs.sh $out/" ];
  };
in
derivation {
  name = "graph";
  system = "x86_64-linux";
  builder = "/bin/sh";
  args = [ "-c" "mkdir $out; cp -r ${plain} $out/plain; cp -r ${structured} $out/structured" ];
}
