with builtins;
let
  pkgs = { a = { v = 1; deps = [ "b" ]; }; b = { v = 2; deps = [ ]; }; c = { v = 3; deps = [ "a" "b" ]; }; };
in
{
  names = attrNames pkgs;
  values = map (x: x.v) (attrValues pkgs);
  depCounts = mapAttrs (n: p: length p.deps) pkgs;
  filtered = listToAttrs (filter (x: x.value.v > 1) (map (n: { name = n; value = pkgs.${n}; }) (attrNames pkgs)));
  reverseDeps = zipAttrsWith (n: vs: vs) (concatMap (n: map (d: { ${d} = n; }) pkgs.${n}.deps) (attrNames pkgs));
}
