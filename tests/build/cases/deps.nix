# A chain of dependencies: references are found by scanning outputs for
# the hashes of the inputs' paths; an input that is not mentioned is not
# a reference.
let
  mk = name: script: derivation { inherit name; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" script ]; };
  a = mk "a" "echo a > $out";
  b = mk "b" "echo b > $out";
  c = mk "c" "cat ${a} > $out; echo ${a} >> $out; test -e ${b}";
  src = ./tree.nix;
in
mk "d" "mkdir $out; cp ${c} $out/c; ln -s ${c} $out/c-link; cp ${src} $out/src.nix"
