# The toolchain's builder: the relocated packages of build-essential's
# closure (and stdenv's tools) copied into one merged tree, so that gcc
# finds cc1, as, ld and the C library's headers and crt files relative to
# itself and to --sysroot, as it does in a Debian /usr (links would not
# do: gcc resolves its own path before looking beside it). Then the
# update-alternatives links the packages' maintainer scripts would make
# (cc, c++, awk, …). Files two packages both ship: the later one wins
# (pkgs.debian.usr is where conflicts are checked).
set -e
mkdir -p "$out"
for p in $packages; do
  cp -a --remove-destination --no-preserve=ownership "$p"/. "$out"/
  chmod -R u+w "$out"
done
cd "$out/usr/bin"
for alt in $alternatives; do
  name=${alt%%=*} target=${alt#*=}
  [ -e "$name" ] || ln -s "$target" "$name"
done
