# A seed configuration of tests/os/services/ (the talk's host, meeka, the
# impermanence server) with the busybox package set, booted by
# activation.py --only seeds: as PID 1 after its activation, a script
# prints facts of the running system (boot.systemdExecutable, the test hook;
# the package set has no systemd).
{ seed }:
let
  pkgs = import ../os/pkgs.nix { };
  facts = pkgs.writeScript "seed-facts" ''
    #!${pkgs.runtimeShell}
    export PATH=${pkgs.busybox}/bin
    fact() { printf 'FACT %s: %s\n' "$1" "$(eval "$2" 2>&1 | tr '\n' '|')"; }
    fact root-fs 'awk "\$2 == \"/\" { t = \$3 \" \" \$4 } END { print t }" /proc/mounts'
    fact sudo 'stat -c "%a %U %G" /run/wrappers/bin/sudo'
    fact etc 'for f in ssh/sshd_config sudoers nftables.conf fstab hostname hosts pam.d/sshd passwd group shadow; do [ -e /etc/$f ] && echo $f; done'
    fact store 'touch /nix/store/.probe'
    fact current-system 'readlink /run/current-system'
    fact path 'env -i HOME=/root USER=root /bin/sh -c ". /etc/profile; echo \$PATH"'
    echo FACTS-DONE
    poweroff -f
  '';
  eval = import ../../nix/os/eval-config.nix {
    inherit pkgs;
    configuration = [ seed { boot.systemdExecutable = "${facts}"; } ];
  };
in
eval.config.system.build.toplevel
