# pkgs.debian.usr { packages = [ … ]; }: the merged tree (usr/, etc/, the
# merged-usr links) of the packages and their Depends closure, for the
# system layer; see build-support/debian-usr.sh for what it checks and
# records. A package not from Debian (no debianClosure) is merged as it is.
{ lib, pkgs, runCommand }:
{ packages, name ? "debian-usr" }:
let
  debianNames = lib.unique (builtins.concatMap (p: p.debianClosure or [ ]) packages);
  others = builtins.filter (p: !(p ? debianClosure)) packages;
  entry = n: p: "${n}=${p}=${if p ? deb then toString p.deb else "-"}";
  entries = map (n: entry n pkgs.${n}) debianNames
    ++ map (p: entry (p.pname or p.name) p) others;
in
runCommand name
  {
    inherit entries;
    nativeBuildInputs = [ pkgs.dpkg pkgs.tar pkgs."xz-utils" pkgs.mawk pkgs.findutils pkgs.diffutils ];
    passthru.debianPackages = debianNames;
  }
  ''
    . ${./build-support/debian-usr.sh}
  ''
