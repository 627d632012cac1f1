# Prints what a builder sees, one "## section" at a time; run by
# tests/sandbox/run.py under Nix 2.8's sandbox and under Bastion's, and the
# two outputs compared. Busybox sh, PATH unset: applets only.
sec() { echo "## $1"; }
# The log's kind, before stdout is redirected to $out below.
if [ -t 1 ]; then logtty=tty; else logtty=not-a-tty; fi
{
sec id; id; id -G
sec hostname; hostname; cat /proc/sys/kernel/hostname /proc/sys/kernel/domainname
sec cwd; pwd
sec umask; umask
sec pid; echo $$
sec session; cut -d' ' -f5,6,7 /proc/$$/stat
sec modes; for f in / /* /nix /nix/store /dev/* /dev/pts/ptmx /etc/*; do stat -c '%A %n' "$f"; done
sec owners; for f in / /* /nix /nix/store /dev/* /etc/* /build/*; do stat -c '%U:%G %n' "$f"; done
sec dev-links; for f in /dev/*; do [ -L "$f" ] && echo "$f -> $(readlink "$f")"; done
sec dev-nodes; for f in /dev/*; do [ -c "$f" ] && stat -c '%n %t:%T' "$f"; done
sec etc; ls -a /etc
sec passwd; cat /etc/passwd
sec group; cat /etc/group
sec hosts; cat /etc/hosts
sec store; ls -a /nix/store
sec inputs; for f in /nix/store/*; do [ "$f" = "$out" ] || stat -c '%A %s %n' "$f"; done
sec build; for f in /build/.[!.]* /build/*; do [ -e "$f" ] && stat -c '%A %s %n' "$f"; done
sec tmp; stat -c '%A' /tmp; ls -a /tmp
sec env; env | sort
sec ulimit; ulimit -a
sec status; grep -E '^(Uid|Gid|Groups|CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp|Seccomp_filters|NSpid)' /proc/$$/status
sec uid_map; cat /proc/self/uid_map /proc/self/gid_map
sec setgroups; cat /proc/self/setgroups
sec net; tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '
sec mounts; cut -d' ' -f5 /proc/self/mountinfo | sort
sec mount-opts; cut -d' ' -f5,6 /proc/self/mountinfo | sort
sec stdin; readlink /proc/$$/fd/0
sec log; echo $logtty
sec fds; ls /proc/$$/fd
} > "$out" 2>&1
