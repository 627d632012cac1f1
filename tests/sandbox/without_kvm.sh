#!/bin/bash
# without_kvm.sh COMMAND...: runs COMMAND in a private mount namespace whose
# /dev has the usual nodes but no kvm, so that on a machine with /dev/kvm
# the tests also see the machine Nix and Bastion find without it (no "kvm"
# system feature, no /dev/kvm in the sandbox). Exit 77 (skip) where there
# is no /dev/kvm to hide (the plain test already covers that machine) or no
# root to build the namespace.
set -euo pipefail
if [ ! -e /dev/kvm ]; then echo "skipped: no /dev/kvm to hide"; exit 77; fi
if [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null; then
  echo "skipped: needs root and unshare"; exit 77
fi
exec unshare -m --propagation private bash -euo pipefail -c '
  host=$(mktemp -d)
  mount --bind /dev "$host"
  mount -t tmpfs -o mode=755 none /dev
  for d in null zero full random urandom tty; do
    touch /dev/$d; mount --bind "$host/$d" /dev/$d
  done
  mkdir /dev/pts /dev/shm
  mount -t devpts -o newinstance,ptmxmode=0666 devpts /dev/pts
  mount -t tmpfs -o mode=1777 none /dev/shm
  ln -s pts/ptmx /dev/ptmx
  ln -s /proc/self/fd /dev/fd
  for i in 0:stdin 1:stdout 2:stderr; do ln -s /proc/self/fd/${i%%:*} /dev/${i#*:}; done
  umount "$host"; rmdir "$host"
  test ! -e /dev/kvm
  exec "$@"' without_kvm "$@"
