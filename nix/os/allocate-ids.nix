# uid and gid allocation as NixOS's update-users-groups.pl does it on a
# fresh system: declared ids are kept (and reserved first); the others are
# taken in name order, system users and all groups from 999 down to 400,
# normal users from 1000 up to 29999, skipping ids already used.
# (On a running system activation also keeps the ids of its uid-map and
# gid-map; that state is activation's, recorded in the activation JSON.)
{ lib }:
with lib;
let
  alloc = { used, next, step, min, max }:
    let
      go = id:
        if id < min || id > max then throw "out of free UIDs or GIDs (${toString min}-${toString max})"
        else if used ? ${toString id} then go (id + step)
        else id;
    in go next;

  # entries: [ { name; id (null = allocate); system (bool); } ] → { name = id; }
  allocate = { entries, systemRange ? { min = 400; max = 999; }, normalRange ? { min = 1000; max = 29999; } }:
    let
      declared = filter (e: e.id != null) entries;
      used0 = listToAttrs (map (e: nameValuePair (toString e.id) true) declared);
      todo = sort (a: b: a.name < b.name) (filter (e: e.id == null) entries);
      step = st: e:
        let
          range = if e.system then systemRange else normalRange;
          id = alloc {
            used = st.used;
            next = if e.system then range.max else range.min;
            step = if e.system then -1 else 1;
            inherit (range) min max;
          };
        in {
          used = st.used // { ${toString id} = true; };
          ids = st.ids // { ${e.name} = id; };
        };
      result = foldl' step { used = used0; ids = { }; } todo;
    in
    listToAttrs (map (e: nameValuePair e.name e.id) declared) // result.ids;
in
{ inherit allocate; }
