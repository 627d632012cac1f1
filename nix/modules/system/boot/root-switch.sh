# A configured tmpfs root (fileSystems."/"), made by stage 2 when / is not
# one yet (in a container, whose root directory is the machine's disks):
# a fresh tmpfs with the configured options, the neededForBoot mount
# points of the old root bind-mounted into it (the root's own /nix,
# /persist, /boot stand in for the disks), /proc /sys /dev moved over,
# then pivot_root into it, the old root detached, and stage 2 started again
# from the top in the new root. Nothing of the old root stays: not its /etc
# (activation makes a fresh one), nor nspawn's /tmp.
if [ "$(fsType /)" != tmpfs ] && [ -z "${BASTION_STAGE2_NEW_ROOT-}" ]; then
  new=/tmp/.bastion-root
  # Moving mounts and pivot_root refuse shared mounts; this mount
  # namespace is the machine's own.
  mount --make-rprivate / || { echo "stage 2: cannot make / private" >&2; exit 1; }
  mkdir -p "$new"
  mount -t tmpfs -o @rootOptions@ tmpfs "$new"
  for mp in @carried@; do
    [ -e "$mp" ] || continue
    mkdir -p "$new$mp"
    mount --rbind "$mp" "$new$mp"
  done
  # Made once and kept on the machine's disk, as the root layout does.
  [ -f /etc/machine-id ] && mkdir -p "$new/etc" && cp /etc/machine-id "$new/etc/machine-id"
  for mp in /proc /sys /dev; do
    mkdir -p "$new$mp"
    mount --move "$mp" "$new$mp"
  done
  # /usr and the links through it, as on the disk (bastion os switch).
  [ -e "$systemConfig/usr" ] && ln -s "$systemConfig/usr" "$new/usr"
  for d in bin sbin lib lib64; do ln -s "usr/$d" "$new/$d"; done
  mkdir -p "$new/.old-root"
  cd "$new"
  pivot_root . .old-root || { echo "stage 2: pivot_root failed" >&2; exit 1; }
  BASTION_STAGE2_NEW_ROOT=1 exec chroot . "$0" "$@"
fi
if [ -n "${BASTION_STAGE2_NEW_ROOT-}" ]; then
  unset BASTION_STAGE2_NEW_ROOT
  umount -l /.old-root && rmdir /.old-root
fi
