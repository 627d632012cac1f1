# lib.versions: parts of version strings.
{ lib }:
let
  b = builtins;
  parts = v: b.splitVersion v;
  nth = n: v: b.elemAt (parts v) n;
in
{
  splitVersion = b.splitVersion;
  major = nth 0;
  minor = nth 1;
  patch = nth 2;
  majorMinor = v: b.concatStringsSep "." (lib.take 2 (parts v));
  pad =
    n: v:
    let
      ps = parts v;
      missing = lib.max 0 (n - b.length ps);
    in
    b.concatStringsSep "." (lib.take n ps ++ b.genList (_: "0") missing);
}
