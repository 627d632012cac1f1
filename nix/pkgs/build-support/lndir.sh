# lndir -silent, as symlinkJoin uses X11's lndir: mirror directory $1 into
# $2 with real directories and a symlink to each file. A symlink in $1 is
# copied as it is (lndir without -ignorelinks); an entry that already
# exists in $2 is kept (the first path given wins); version-control
# directories are skipped as lndir skips them.
lndir() {
  local e n t
  for e in "$1"/* "$1"/.[!.]* "$1"/..?*; do
    [ -e "$e" ] || [ -L "$e" ] || continue
    n=${e##*/}
    t="$2/$n"
    if [ -L "$e" ]; then
      [ -e "$t" ] || [ -L "$t" ] || ln -s "$(readlink "$e")" "$t"
    elif [ -d "$e" ]; then
      case $n in RCS | SCCS | CVS | CVS.adm | .svn | .git | .hg) continue ;; esac
      if [ ! -d "$t" ] && ! mkdir "$t" 2>/dev/null; then
        echo "symlinkJoin: $t is not a directory, $e skipped" >&2
        continue
      fi
      lndir "$e" "$t"
    else
      [ -e "$t" ] || [ -L "$t" ] || ln -s "$e" "$t"
    fi
  done
}
