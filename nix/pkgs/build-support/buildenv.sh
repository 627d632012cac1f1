# buildEnv's builder: nixpkgs' builder.pl in POSIX sh, with the output
# tree itself as the state builder.pl keeps in %symlinks.
#
# $envPaths: "PRIORITY:STOREPATH" words, sorted by priority (stable), so
# an entry met again comes from a package of lower or equal priority
# number; whether it is equal (a collision) or lower (the new one loses)
# is told by the package its symlink points into ($group holds the
# current priority's packages). A directory linked whole and met again is
# split: replaced by a real directory holding links to its children.
# Directories of pathsToLink and their parents are real directories.
set -e
root="$out$extraPrefix"
mkdir -p "$root"

for p in $pathsToLink; do
  case $p in /) ;; *) mkdir -p "$root$p" ;; esac
done

# hasPathsToLink: REL is a parent of (or is) a path to link.
hasPathsToLink() {
  local p
  [ -z "$1" ] && return 0
  for p in $pathsToLink; do
    case $p in "$1" | "$1"/*) return 0 ;; esac
  done
  return 1
}
# isInPathsToLink: REL is (under) a path to link.
isInPathsToLink() {
  local p
  for p in $pathsToLink; do
    case $p in /) return 0 ;; esac
    case $1 in "$p" | "$p"/*) return 0 ;; esac
  done
  return 1
}
inGroup() {
  local g
  for g in $group; do
    case $1 in "$g" | "$g"/*) return 0 ;; esac
  done
  return 1
}
sameContents() {
  [ -f "$1" ] && [ -f "$2" ] || return 1
  if [ -x "$1" ]; then [ -x "$2" ] || return 1; else [ ! -x "$2" ] || return 1; fi
  cmp -s "$1" "$2"
}
collision() { # TARGET OLD
  if [ "$ignore" = 2 ]; then return 0; fi
  if [ -n "$ignoreCollisions" ]; then
    echo "warning: collision between \`$1' and \`$2'" >&2
    return 0
  fi
  if [ -n "$checkCollisionContents" ] && sameContents "$1" "$2"; then return 0; fi
  echo "error: collision between \`$1' and \`$2'" >&2
  exit 1
}
linkChildren() { # REL DIR
  local e
  for e in "$2"/* "$2"/.[!.]* "$2"/..?*; do
    [ -e "$e" ] || [ -L "$e" ] || continue
    findFiles "$1/${e##*/}" "$e"
  done
}
findFiles() { # REL TARGET
  local rel="$1" target="$2" dst="$root$1" old base="${1##*/}"
  case $rel in
  /propagated-build-inputs | /nix-support | */info/dir) return 0 ;;
  /share/mime/packages | /share/mime/packages/*) ;;
  /share/mime/*) return 0 ;;
  esac
  case $base in perllocal.pod | log) return 0 ;; esac
  hasPathsToLink "$rel" || isInPathsToLink "$rel" || return 0

  if [ -L "$dst" ]; then
    old=$(readlink "$dst")
    [ "$(readlink -f "$old")" = "$(readlink -f "$target")" ] && return 0
    if [ ! -d "$old" ] && ! inGroup "$old"; then return 0; fi
    if [ -d "$target" ] && [ -d "$old" ]; then
      rm "$dst"
      mkdir "$dst"
      linkChildren "$rel" "$old"
      linkChildren "$rel" "$target"
    else
      collision "$target" "$old"
    fi
  elif [ -d "$dst" ]; then
    # A real directory (made for pathsToLink, or split): builder.pl
    # refuses to merge a file into it, whatever ignoreCollisions says.
    if [ ! -d "$target" ]; then
      echo "error: not a directory: \`$target'" >&2
      exit 1
    fi
    linkChildren "$rel" "$target"
  elif [ -e "$dst" ]; then
    collision "$target" "$dst"
  else
    [ -e "$target" ] || echo "warning: creating dangling symlink \`$dst' -> \`$target' -> \`$(readlink "$target")'" >&2
    ln -s "$target" "$dst"
  fi
}

done_pkgs=" "
addPkg() { # PKG
  if [ -f "$1" ]; then
    echo "error: The store path $1 is a file and can't be merged into an environment using pkgs.buildEnv!" >&2
    exit 1
  fi
  done_pkgs="$done_pkgs$1 "
  findFiles "" "$1"
}

ignore=""
prio=""
group=""
for e in $envPaths; do
  p=${e#*:}
  [ -e "$p" ] || continue
  if [ "${e%%:*}" != "$prio" ]; then
    prio=${e%%:*}
    group=""
  fi
  group="$group $p"
  addPkg "$p"
done

# Packages propagated to user environments, as builder.pl adds them:
# after the rest, priorities 1000 upwards, collisions silently ignored.
ignore=2
queue="$done_pkgs"
while [ -n "${queue# }" ]; do
  next=""
  for p in $queue; do
    f="$p/nix-support/propagated-user-env-packages"
    [ -f "$f" ] || continue
    for q in $(cat "$f"); do
      case $done_pkgs in *" $q "*) continue ;; esac
      group="$q"
      addPkg "$q"
      next="$next $q"
    done
  done
  queue="$next"
done

if [ -n "$manifest" ]; then
  ln -s "$manifest" "$out/manifest"
fi
