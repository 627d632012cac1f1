# lib.lists: list helpers, mostly thin layers over builtins.
{ lib }:
let
  b = builtins;
in
rec {
  inherit (b) head tail length isList elemAt concatLists filter elem genList map sort all any partition groupBy concatMap;
  singleton = x: [ x ];
  forEach = xs: f: map f xs;
  foldr = op: nul: list:
    let
      len = length list;
      go = n: if n == len then nul else op (elemAt list n) (go (n + 1));
    in
    go 0;
  fold = foldr;
  foldl = op: nul: list: b.foldl' op nul list;
  foldl' = op: acc: list: b.foldl' op acc list;
  imap0 = f: list: genList (n: f n (elemAt list n)) (length list);
  imap1 = f: list: genList (n: f (n + 1) (elemAt list n)) (length list);
  ifilter0 = ipred: input: map (i: elemAt input i) (filter (i: ipred i (elemAt input i)) (range 0 (length input - 1)));
  flatten = x: if isList x then concatMap flatten x else [ x ];
  remove = e: filter (x: x != e);
  findSingle = pred: default: multiple: list:
    let found = filter pred list; in
    if found == [ ] then default else if length found > 1 then multiple else head found;
  findFirstIndex = pred: default: list:
    let
      len = length list;
      go = i: if i == len then default else if pred (elemAt list i) then i else go (i + 1);
    in
    go 0;
  findFirst = pred: default: list:
    let i = findFirstIndex pred null list; in
    if i == null then default else elemAt list i;
  count = pred: b.foldl' (c: x: if pred x then c + 1 else c) 0;
  optional = cond: elem: if cond then [ elem ] else [ ];
  optionals = cond: elems: if cond then elems else [ ];
  toList = x: if isList x then x else [ x ];
  range = first: last: if first > last then [ ] else genList (n: first + n) (last - first + 1);
  replicate = n: elem: genList (_: elem) n;
  zipListsWith = f: fst: snd: genList (n: f (elemAt fst n) (elemAt snd n)) (lib.min (length fst) (length snd));
  zipLists = zipListsWith (fst: snd: { inherit fst snd; });
  reverseList = xs: let l = length xs; in genList (n: elemAt xs (l - n - 1)) l;
  # Depth-first search for an element nothing else in `list` must precede:
  # from the first element, step to the first remaining one that must come
  # before the current; `visited` is the path walked so far.
  listDfs =
    stopOnCycles: before: list:
    let
      step =
        node: visited: rest:
        let
          backEdges = filter (v: before v node) visited;
          split = partition (r: before r node) rest;
        in
        if stopOnCycles && backEdges != [ ] then
          {
            cycle = node;
            loops = backEdges;
            inherit visited rest;
          }
        else if split.right == [ ] then
          {
            minimal = node;
            inherit visited rest;
          }
        else
          step (head split.right) ([ node ] ++ visited) (tail split.right ++ split.wrong);
    in
    step (head list) [ ] (tail list);
  # Repeatedly take a minimal element; report the first cycle met.
  toposort =
    before: list:
    if length list < 2 then
      { result = list; }
    else
      let
        found = listDfs true before list;
        others = toposort before (found.visited ++ found.rest);
      in
      if found ? cycle then
        {
          cycle = reverseList ([ found.cycle ] ++ found.visited);
          inherit (found) loops;
        }
      else if others ? cycle then
        others
      else
        { result = [ found.minimal ] ++ others.result; };
  sortOn = f: list:
    map (p: p.v) (sort (x: y: x.k < y.k) (map (v: { k = f v; inherit v; }) list));
  compareLists = cmp: a: c:
    if a == [ ] then (if c == [ ] then 0 else -1)
    else if c == [ ] then 1
    else let r = cmp (head a) (head c); in if r == 0 then compareLists cmp (tail a) (tail c) else r;
  naturalSort = lst:
    let
      vectorise = s: map (x: if isList x then b.fromJSON (head x) else x) (b.split "(0|[1-9][0-9]*)" s);
      prepared = map (x: [ (vectorise x) x ]) lst;
      less = a: c: (compareLists lib.compare (head a) (head c)) < 0;
    in
    map (x: elemAt x 1) (sort less prepared);
  take = count: sublist 0 count;
  takeEnd = n: xs: drop (lib.max 0 (length xs - n)) xs;
  drop = count: list: sublist count (length list) list;
  dropEnd = n: xs: take (lib.max 0 (length xs - n)) xs;
  sublist = start: count: list:
    let
      len = length list;
      n = if start >= len then 0 else if start + count > len then len - start else count;
    in
    genList (i: elemAt list (i + start)) (lib.max 0 n);
  hasPrefix = list1: list2: take (length list1) list2 == list1;
  removePrefix = list1: list2:
    if hasPrefix list1 list2 then drop (length list1) list2
    else throw "lib.lists.removePrefix: First argument is not a list prefix of the second argument";
  last = list: assert lib.assertMsg (list != [ ]) "lists.last: list must not be empty!"; elemAt list (length list - 1);
  init = list: assert lib.assertMsg (list != [ ]) "lists.init: list must not be empty!"; take (length list - 1) list;
  crossLists = f: foldl (fs: args: concatMap (f: map f args) fs) [ f ];
  # Linear in practice: membership is tested on a set keyed by the value's
  # JSON-free identity where possible (strings), else by a list scan.
  unique = list:
    b.foldl' (acc: e: if elem e acc then acc else acc ++ [ e ]) [ ] list;
  uniqueStrings = list: b.attrNames (b.groupBy lib.id list);
  allUnique = list: length (unique list) == length list;
  intersectLists = e: filter (x: elem x e);
  subtractLists = e: filter (x: !(elem x e));
  mutuallyExclusive = a: c: length a == 0 || !(any (x: elem x a) c);
  groupBy' = op: nul: pred: lst: b.mapAttrs (name: foldl op nul) (groupBy pred lst);
  concatAttrValues = set: concatLists (b.attrValues set);
  replaceElemAt = list: idx: newElem:
    assert lib.assertMsg (idx >= 0 && idx < length list) "'lists.replaceElemAt' called with index ${toString idx} on a list of size ${toString (length list)}";
    genList (i: if i == idx then newElem else elemAt list i) (length list);
  commonPrefix = list1: list2:
    let
      n = lib.min (length list1) (length list2);
      i = findFirstIndex (i: elemAt list1 i != elemAt list2 i) n (range 0 (n - 1));
    in
    take i list1;
}
