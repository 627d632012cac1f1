# setup-etc.sh ETC [NAME...]: /etc made from the link farm ETC (system.build.etc's
# etc/), with the semantics of NixOS's setup-etc.pl, in POSIX sh:
#  - /etc/static is pointed at ETC with one rename (the switch of the whole
#    static set is atomic);
#  - every link of the farm becomes /etc/NAME -> /etc/static/NAME, each
#    replaced with one rename; an entry with NAME.mode is copied instead
#    (mode, and the owner from NAME.uid/NAME.gid: "+N" or a name looked up
#    in /etc/passwd, /etc/group), or linked straight to its store file when
#    the mode is "direct-symlink";
#  - links into /etc/static whose entry is gone, and files copied by the
#    previous generation (listed in /etc/.clean) that this one lacks, are
#    removed; /etc/.clean is rewritten (temporary name, rename).
# The NAMEs (passwd, group, shadow) are files another snippet writes: left
# as they are, whatever the farm holds for them.
set -u
etc="$1"
shift
unmanaged=" $* "
static=/etc/static

atomicSymlink() { # SOURCE TARGET
  rm -f "$2.tmp"
  # -T: a TARGET linking to a directory is replaced, not moved into.
  ln -s "$1" "$2.tmp" && mv -fT "$2.tmp" "$2" || { rm -f "$2.tmp"; return 1; }
}

# An id from "+N" or a name in FILE (passwd or group).
idOf() { # SPEC FILE
  case "$1" in
    +*) echo "${1#+}" ;;
    *) awk -F: -v n="$1" '$1 == n { print $3; found = 1; exit } END { if (!found) exit 1 }' "$2" ;;
  esac
}

# A path is static when it links into /etc/static, or is a directory of
# nothing but static entries.
isStatic() {
  if [ -L "$1" ]; then
    case "$(readlink "$1")" in "$static"/*) return 0 ;; *) return 1 ;; esac
  fi
  [ -d "$1" ] || return 1
  for c in "$1"/* "$1"/.[!.]*; do
    [ -e "$c" ] || [ -L "$c" ] || continue
    isStatic "$c" || return 1
  done
  return 0
}

atomicSymlink "$etc" "$static" || { echo "setup-etc: cannot point $static at $etc" >&2; exit 1; }

# Stale links: into /etc/static, but the entry is no longer there.
find /etc -path /etc/nixos -prune -o -type l -print | while IFS= read -r l; do
  case "$(readlink "$l")" in
    "$static"/*)
      rel="${l#/etc/}"
      if [ ! -L "$static/$rel" ]; then
        echo "removing obsolete symlink ‘$l’..." >&2
        rm -f "$l"
      fi ;;
  esac
done

status=0
clean=/etc/.clean.tmp
: > "$clean"
created=$(mktemp)
(cd "$etc" && find . -type l) | sed 's|^\./||' | sort | while IFS= read -r fn; do
  [ "$fn" = nixos ] && continue
  case "$unmanaged" in *" $fn "*) continue ;; esac
  target="/etc/$fn"
  mkdir -p "$(dirname "$target")"
  echo "$fn" >> "$created"
  # rename(2) cannot replace a directory.
  if [ -d "$target" ] && [ ! -L "$target" ]; then
    if isStatic "$target"; then rm -rf "$target"
    else echo "warning: $target directory contains user files. Symlinking may fail." >&2; fi
  fi
  if [ -e "$etc/$fn.mode" ]; then
    mode=$(cat "$etc/$fn.mode")
    if [ "$mode" = direct-symlink ]; then
      atomicSymlink "$(readlink "$static/$fn")" "$target" || status=1
    else
      uid=$(idOf "$(cat "$etc/$fn.uid")" /etc/passwd) || { echo "setup-etc: $fn: no user $(cat "$etc/$fn.uid")" >&2; uid=0; status=1; }
      gid=$(idOf "$(cat "$etc/$fn.gid")" /etc/group) || { echo "setup-etc: $fn: no group $(cat "$etc/$fn.gid")" >&2; gid=0; status=1; }
      rm -f "$target.tmp"
      if cp "$static/$fn" "$target.tmp" && chown "$uid:$gid" "$target.tmp" &&
         chmod "$mode" "$target.tmp" && mv -fT "$target.tmp" "$target"; then :
      else rm -f "$target.tmp"; echo "setup-etc: cannot copy $fn" >&2; status=1; fi
    fi
    echo "$fn" >> "$clean"
  else
    atomicSymlink "$static/$fn" "$target" || { echo "setup-etc: cannot link $target" >&2; status=1; }
  fi
  [ $status = 0 ] || echo failed >> "$created.status"
done

# Files copied by the previous generation and not made by this one.
if [ -f /etc/.clean ]; then
  while IFS= read -r fn; do
    [ -n "$fn" ] || continue
    if ! grep -qxF "$fn" "$created"; then
      echo "removing obsolete file ‘/etc/$fn’..." >&2
      rm -f "/etc/$fn"
    fi
  done < /etc/.clean
fi
mv -f "$clean" /etc/.clean
[ -e /etc/NIXOS ] || : > /etc/NIXOS
failed=0
[ -e "$created.status" ] && failed=1
rm -f "$created" "$created.status"
exit $failed
