# A seed with an ephemeral root booted twice by activation.py --only
# persistence: meeka (Bastion's environment.persistence on /nix/persist,
# its tmpfs root, fileSystems."/srv".options = [ "noexec" ]) or the
# impermanence server (the community module on /persist). In a container
# the impermanence server's btrfs rollback (boot.initrd.postResumeCommands)
# cannot run, so its root is given what that rollback stands for: a fresh
# tmpfs each boot. PID 1 after activation (the test hook) mounts what
# systemd would from /etc/fstab (bind mounts only), prints what
# survived as FACT lines, then writes markers, persisted and not, for the
# next boot to look for. `hostSsh`, `hostBash`: host-programs.nix's
# arguments (the machine's ssh-keygen makes the host keys; its bash and
# realpath run the community module's scripts, which need shopt and -m).
{ seed, tmpfsRoot ? false, hostSsh ? null, hostBash ? null, hostRealpath ? null }:
let
  testPkgs = import ../os/pkgs.nix { };
  host = args: import ./host-programs.nix (args // { pkgs = testPkgs; });
  pkgs = testPkgs // lib.optionalAttrs (hostBash != null) {
    bash = host hostBash // { shellPath = "/bin/bash"; };
  } // lib.optionalAttrs (hostRealpath != null) {
    # busybox with coreutils' realpath (the module's scripts use -m).
    coreutils = testPkgs.runCommand "coreutils-busybox" { } ''
      mkdir -p $out/bin
      cp -P ${testPkgs.busybox}/bin/* $out/bin/
      rm $out/bin/realpath
      ln -s ${host hostRealpath}/bin/realpath $out/bin/realpath
    '';
  };
  lib = testPkgs.lib;
  facts = pkgs.writeScript "persistence-facts" ''
    #!${pkgs.runtimeShell}
    export PATH=${pkgs.busybox}/bin
    fact() { printf 'FACT %s: %s\n' "$1" "$(eval "$2" 2>&1 | tr '\n' '|')"; }
    # systemd's part, which this PID 1 stands in for: the fstab's bind
    # mounts not mounted yet (the community module's directories; Bastion's
    # own module mounts them at activation).
    awk '$1 !~ /^#/ && $4 ~ /(^|,)bind(,|$)/ { print $1, $2 }' /etc/fstab | while read -r src mp; do
      awk -v m="$mp" '$2 == m { f = 1 } END { exit !f }' /proc/mounts || { mkdir -p "$mp" && mount --bind "$src" "$mp" && echo "PID 1: mounted $mp (fstab)"; }
    done
    fact root-fs 'awk "\$2 == \"/\" { t = \$3 } END { print t }" /proc/mounts'
    fact persisted 'cat /etc/nixos/marker 2>/dev/null || echo absent'
    fact srv 'cat /srv/marker 2>/dev/null || echo absent'
    fact srv-mount 'awk "\$2 == \"/srv\" { print \$4 }" /proc/mounts'
    fact srv-exec 'cp ${pkgs.busybox}/bin/busybox /srv/true && /srv/true && echo executed'
    fact var-lib 'cat /var/lib/marker 2>/dev/null || echo absent'
    fact scratch 'for f in /root/scratch /etc/scratch /var/scratch /scratch; do [ -e $f ] && echo $f; done; echo end'
    fact host-key 'md5sum < /etc/ssh/ssh_host_ed25519_key.pub | cut -d" " -f1'
    fact host-key-mode 'stat -L -c "%a %U" /etc/ssh/ssh_host_ed25519_key'
    fact machine-id 'cat /etc/machine-id'
    echo written >/etc/nixos/marker
    [ -d /srv ] && echo written >/srv/marker
    [ -d /var/lib ] && echo written >/var/lib/marker
    for f in /root/scratch /etc/scratch /var/scratch /scratch; do echo x >$f; done
    sync
    echo FACTS-DONE
    poweroff -f
  '';
  eval = import ../../nix/os/eval-config.nix {
    inherit pkgs;
    configuration = [
      seed
      { boot.systemdExecutable = "${facts}"; }
      { config = lib.mkIf (hostSsh != null) { programs.ssh.package = import ./host-programs.nix (hostSsh // { inherit pkgs; }); }; }
      { config = lib.mkIf tmpfsRoot { fileSystems."/" = lib.mkForce { device = "none"; fsType = "tmpfs"; options = [ "defaults" "size=64M" "mode=755" ]; }; }; }
    ];
  };
in
eval.config.system.build.toplevel
