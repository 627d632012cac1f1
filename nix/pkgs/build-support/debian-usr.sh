# pkgs.debian.usr's builder (see usr.nix). $entries: "NAME=TREE=DEB"
# words (DEB "-" when there is no .deb). Every file two packages both
# ship must be the same (same link target, or same bytes and mode), else
# the build fails naming both; then the trees are merged, the
# update-alternatives choices of the packages' postinst scripts made as
# Debian makes them (LINK -> /etc/alternatives/NAME -> PATH, the highest
# priority winning; mawk reads the scripts: awk itself is an alternative),
# and the statoverrides and conffiles recorded in
# nix-support/ for activation; the system users and groups the packages
# declare (sysusers.d files, literal adduser --system lines of postinst
# scripts) in nix-support/sysusers.{json,nix}.
set -e
lists="$TMPDIR/lists"
mkdir -p "$lists" "$out/nix-support"
: >"$lists/all"
for e in $entries; do
  n=${e%%=*} rest=${e#*=}
  tree=${rest%%=*}
  (cd "$tree" && find . ! -type d -printf "%p\t$n\t$tree\n") >>"$lists/all"
done
LC_ALL=C sort -t "$(printf '\t')" -k1,1 -s "$lists/all" >"$lists/sorted"
mawk -F '\t' '$1 == prev { if (!shown) print prevline; print; shown = 1; next }
             { prev = $1; prevline = $0; shown = 0 }' "$lists/sorted" >"$lists/dups"
status=0
firstPath="" firstPkg="" firstTree=""
while IFS="$(printf '\t')" read -r path pkg tree; do
  if [ "$path" != "$firstPath" ]; then
    firstPath=$path firstPkg=$pkg firstTree=$tree
    continue
  fi
  a="$firstTree/$path" b="$tree/$path"
  if [ -L "$a" ] || [ -L "$b" ]; then
    [ -L "$a" ] && [ -L "$b" ] && [ "$(readlink "$a")" = "$(readlink "$b")" ] && continue
  elif [ "$(stat -c %a "$a")" = "$(stat -c %a "$b")" ] && cmp -s "$a" "$b"; then
    continue
  fi
  echo "error: '${path#.}' is in both $firstPkg and $pkg, and differs" >&2
  status=1
done <"$lists/dups"
[ "$status" = 0 ] || exit 1

for e in $entries; do
  rest=${e#*=}
  cp -a --remove-destination --no-preserve=ownership "${rest%%=*}"/. "$out"/
  chmod -R u+w "$out"
done

# System users and groups: each package's sysusers.d files (declarations
# systemd-sysusers reads; Debian ships them beside its adduser calls), one
# record a line for debian-sysusers.awk.
: >"$lists/users"
for e in $entries; do
  n=${e%%=*} rest=${e#*=}
  for f in "${rest%%=*}"/usr/lib/sysusers.d/*.conf; do
    [ -f "$f" ] || continue
    sed -e "s|^|$n\tsysusers\t|" "$f" >>"$lists/users"
  done
done

# Maintainer scripts and conffiles, from each .deb's control archive.
: >"$lists/alts"
: >"$out/nix-support/statoverrides"
: >"$out/nix-support/conffiles"
for e in $entries; do
  n=${e%%=*} deb=${e##*=}
  [ "$deb" = - ] && continue
  ctl="$TMPDIR/control/$n"
  mkdir -p "$ctl"
  dpkg-deb -e "$deb" "$ctl"
  if [ -f "$ctl/conffiles" ]; then
    sed -e "s|\$| $n|" "$ctl/conffiles" >>"$out/nix-support/conffiles"
  fi
  [ -f "$ctl/postinst" ] || continue
  # One command a line (continuations joined); a line naming a shell
  # variable cannot be read without running the script, and is skipped.
  sed -e ':a' -e '/\\$/{N;s/\\\n/ /;ba' -e '}' "$ctl/postinst" | grep -v '\$' >"$ctl/postinst.lines" || true
  mawk -v pkg="$n" '
    /update-alternatives/ && /--install/ {
      for (i = 1; i <= NF; i++) if ($i == "--install") break
      name = $(i + 2); prio = $(i + 4)
      print name "\t" prio "\t" $(i + 1) "\t" $(i + 3) "\t" pkg "\tmaster"
      for (j = i + 5; j <= NF; j++) if ($j == "--slave" && j + 3 <= NF)
        print name "\t" prio "\t" $(j + 1) "\t" $(j + 3) "\t" pkg "\t" $(j + 2)
    }' "$ctl/postinst.lines" >>"$lists/alts"
  # Literal adduser/addgroup --system calls (openssh-server's sshd): a
  # declaration too, once no sysusers.d file has the name.
  grep -E '(^|[[:space:];&|/])(adduser|addgroup)[[:space:]].*--system' "$ctl/postinst.lines" |
    sed -e "s|^|$n\tpostinst\t|" >>"$lists/users" || true
  mawk '/dpkg-statoverride/ && /--add/ {
      for (i = 1; i <= NF; i++) if ($i == "--add") break
      if (i + 4 <= NF) print $(i + 1), $(i + 2), $(i + 3), $(i + 4)
    }' "$ctl/postinst.lines" >>"$out/nix-support/statoverrides"
done

# The highest priority of each alternative wins (the first given on a tie),
# with its slaves; a choice whose target the tree lacks is left out.
LC_ALL=C sort -t "$(printf '\t')" -k1,1 -k2,2nr -s "$lists/alts" |
  mawk -F '\t' '!($1 in best) { best[$1] = $2 "\t" $5 } $2 "\t" $5 == best[$1]' >"$lists/chosen"
: >"$out/nix-support/alternatives"
while IFS="$(printf '\t')" read -r name prio link path pkg role; do
  alt=$name
  [ "$role" = master ] || alt=$role
  [ -e "$out$path" ] || [ -L "$out$path" ] || continue
  mkdir -p "$out/etc/alternatives" "$(dirname "$out$link")"
  ln -sfn "$path" "$out/etc/alternatives/$alt"
  [ -e "$out$link" ] && [ ! -L "$out$link" ] && continue
  ln -sfn "/etc/alternatives/$alt" "$out$link"
  echo "$alt $link $path $prio $pkg" >>"$out/nix-support/alternatives"
done <"$lists/chosen"

mawk -v out="$out/nix-support" -f "$sysusersAwk" "$lists/users"
