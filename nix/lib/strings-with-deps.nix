# lib.stringsWithDeps: snippets with named dependencies, put in an order
# where each comes after what it depends on (activation scripts use it).
{ lib }:
let
  b = builtins;
in
rec {
  # `names` and everything they depend on, dependencies first, each named
  # entry once. An entry in the work list is either a name (looked up in
  # `predefined`, skipped when seen) or an entry set { text, deps }.
  textClosureList =
    predefined: names:
    let
      walk =
        seen: work:
        if work == [ ] then
          {
            out = [ ];
            inherit seen;
          }
        else
          let
            item = b.head work;
            rest = b.tail work;
          in
          if b.isAttrs item then
            let
              before = walk seen item.deps;
              after = walk before.seen rest;
            in
            {
              out = before.out ++ [ item.text ] ++ after.out;
              inherit (after) seen;
            }
          else if seen ? ${item} then
            walk seen rest
          else
            walk (seen // { ${item} = true; }) ([ predefined.${item} ] ++ rest);
    in
    (walk { } names).out;
  textClosureMap = f: predefined: names: lib.concatMapStringsSep "\n" f (textClosureList predefined names);
  # Entry constructors: text plus the names it must come after.
  stringAfter = deps: text: { inherit deps text; };
  fullDepEntry = text: deps: { inherit deps text; };
  noDepEntry = text: { deps = [ ]; inherit text; };
  packEntry = deps: { text = ""; inherit deps; };
}
