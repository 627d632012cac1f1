# pkgs.debian.usr { packages = [ … ]; }: the merged tree (usr/, etc/, the
# merged-usr links) of the packages and their Depends closure, for the
# system layer; see build-support/debian-usr.sh for what it checks and
# records. A package not from Debian (no debianClosure) is merged as it is.
# Its system users and groups come from what the packages declare: their
# sysusers.d files, and literal `adduser --system`/`addgroup --system`
# lines of postinst scripts (which is how most Debian packages, openssh-server
# among them, make theirs); lines that need the script run are skipped.
{ lib, pkgs, runCommand }:
{ packages, name ? "debian-usr" }:
let
  debianNames = lib.unique (builtins.concatMap (p: p.debianClosure or [ ]) packages);
  others = builtins.filter (p: !(p ? debianClosure)) packages;
  entry = n: p: "${n}=${p}=${if p ? deb then toString p.deb else "-"}";
  entries = map (n: entry n pkgs.${n}) debianNames
    ++ map (p: entry (p.pname or p.name) p) others;
  tree = runCommand name
  {
    inherit entries;
    sysusersAwk = ./build-support/debian-sysusers.awk;
    nativeBuildInputs = [ pkgs.dpkg pkgs.tar pkgs."xz-utils" pkgs.mawk pkgs.findutils pkgs.diffutils ];
    passthru.debianPackages = debianNames;
  }
  ''
    . ${./build-support/debian-usr.sh}
  '';
in
# sysusers: { users; groups; } as users.users / users.groups take them
# (isSystemUser, uid, group, description, home, shell; gid, members),
# read from the built tree (import from derivation, so only when asked).
tree // { sysusers = import "${tree}/nix-support/sysusers.nix"; }
