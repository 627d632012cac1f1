#! @shell@
# Bastion's stage 2 (nixpkgs' system/boot/stage-2-init.sh in spirit): what
# turns a root holding a system's closure into that running system. It is
# the toplevel's `init`, started as PID 1 by systemd-nspawn (or a kernel):
#   the special file systems a container lacks; / as configured (a tmpfs
#   root is made here with the neededForBoot mounts carried into it, as
#   stage 1 would); /nix/store read-only; the generation's activation;
#   /run/current-system and /run/booted-system; then systemd.

systemConfig='@systemConfig@'
case "$systemConfig" in
  @*) # Not substituted: the toplevel is the directory this init was started from.
    systemConfig=$(cd "$(dirname "$0")" && pwd -P) ;;
esac
export PATH=@path@
[ -x "$systemConfig/activate" ] || { echo "stage 2: $systemConfig has no activate" >&2; exit 1; }

echo
echo "<<< Bastion Stage 2 >>>"
echo

# Whether a mount point is in /proc/mounts (a /proc not mounted yet: no).
isMounted() { [ -r /proc/mounts ] && awk -v m="$1" '$2 == m { f = 1 } END { exit !f }' /proc/mounts; }

mountIfMissing() { # MOUNTPOINT MOUNT-ARGS...
  mp="$1"; shift
  isMounted "$mp" && return 0
  mkdir -m 0755 -p "$mp"
  mount "$@" "$mp"
}

# What a container may lack (nspawn provides all of these).
mountIfMissing /proc -t proc -o nosuid,nodev,noexec proc
mountIfMissing /sys -t sysfs -o nosuid,nodev,noexec sysfs
mountIfMissing /dev -t devtmpfs -o nosuid,mode=755 devtmpfs
mountIfMissing /dev/pts -t devpts -o nosuid,noexec,mode=620,ptmxmode=0666 devpts
mountIfMissing /dev/shm -t tmpfs -o nosuid,nodev,mode=1777 tmpfs

fsType() { awk -v m="$1" '$2 == m { t = $3 } END { print t }' /proc/mounts; }

@rootSwitch@

mountIfMissing /run -t tmpfs -o nosuid,nodev,strictatime,mode=755 tmpfs
mkdir -m 0755 -p /run/lock /var /etc /tmp /root /home
chmod 1777 /tmp

# The store read-only, even for root: a bind mount of it on itself,
# remounted ro (the store's own tools write through a private mount).
if [ -n "@readOnlyNixStore@" ] && [ -d /nix/store ]; then
  case ",$(awk '$2 == "/nix/store" { o = $4 } END { print o }' /proc/mounts)," in
    *,ro,*) ;;
    *) mount --bind /nix/store /nix/store && mount -o remount,ro,bind /nix/store ||
         echo "stage 2: warning: cannot make /nix/store read-only" >&2 ;;
  esac
fi

# The activation of this generation.
echo "running activation script..."
"$systemConfig/activate" "$systemConfig" || echo "stage 2: activation finished with errors" >&2

# Which generation is running (activate points current-system too; a
# reboot into an older generation must point it back).
ln -sfn "$systemConfig" /run/current-system
ln -sfn "$systemConfig" /run/booted-system

@postBootCommands@

echo "starting @systemdExecutable@..."
exec @systemdExecutable@ "$@"
