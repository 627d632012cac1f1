# The system tests/os14/activation.py boots (test data): two users, /etc
# entries linked and copied, a set-id wrapper, a per-user package, and as
# PID 1 after activation (boot.systemdExecutable, the test hook) a script
# that prints what the running system looks like as `FACT name: value`
# lines, then powers off. `gen` changes the /etc entries between
# generations; `tmpfsRoot` gives it the seeds' tmpfs root with noexec.
# sshd is enabled: `ssh` is the openssh package its host keys are made with
# (host-programs.nix, the machine's ssh-keygen; the set's stand-in fails),
# `rootKey` a public key for root's authorized keys. A package records
# dpkg-statoverride lines as pkgs.debian.usr does.
{ pkgs, gen ? "1", tmpfsRoot ? false, ssh ? null, rootKey ? null }:
{ config, lib, ... }:
let
  hello = pkgs.runCommand "hello" { } ''
    mkdir -p $out/bin
    printf '#!%s\necho hello from the profile\n' ${pkgs.runtimeShell} > $out/bin/hello
    chmod +x $out/bin/hello
  '';
  # A package with dpkg-statoverride records in debian-usr.sh's format
  # (USER GROUP MODE PATH): a program under /usr, a data file under /usr
  # (cannot be applied: the store), a directory outside /usr.
  recorded = pkgs.runCommand "recorded-overrides" { } ''
    mkdir -p $out/usr/bin $out/usr/share/recorded $out/nix-support
    cp ${pkgs.busybox}/bin/busybox $out/usr/bin/recorded-id
    echo data >$out/usr/share/recorded/data
    printf '%s\n' "root wheel 2755 /usr/bin/recorded-id" "root root 0600 /usr/share/recorded/data" \
      "bob users 0750 /var/lib/recorded" >$out/nix-support/statoverrides
  '';
  facts = pkgs.writeScript "facts" ''
    #!${pkgs.runtimeShell}
    export PATH=${pkgs.busybox}/bin
    fact() { printf 'FACT %s: %s\n' "$1" "$(eval "$2" 2>&1 | tr '\n' '|')"; }
    fact pid1 'echo $$'
    fact gen 'cat /etc/bastion/gen'
    fact static 'readlink /etc/static'
    fact linked 'readlink /etc/bastion/linked'
    fact linked-text 'cat /etc/bastion/linked'
    fact copied 'stat -c "%a %U %G %F" /etc/bastion/copied'
    fact copied-text 'cat /etc/bastion/copied'
    fact only-gen1 'ls -d /etc/bastion/only-gen1 2>/dev/null || echo absent'
    fact copied-gen1 'ls -d /etc/bastion/copied-gen1 2>/dev/null || echo absent'
    fact clean 'cat /etc/.clean'
    fact passwd 'ls -l /etc/passwd | cut -c1; grep "^alice:" /etc/passwd'
    fact ids 'grep -E "^(aaron|alice|bob):" /etc/passwd | cut -d: -f1,3'
    fact uid-map 'cat /var/lib/nixos/uid-map'
    fact undeclared 'grep -c "^mallory:" /etc/passwd /etc/shadow'
    fact shadow-alice 'grep "^alice:" /etc/shadow | cut -d: -f2'
    fact shadow-bob 'grep "^bob:" /etc/shadow | cut -d: -f2'
    fact shadow-mode 'stat -c "%a %U %G" /etc/shadow'
    fact current-system 'readlink /run/current-system'
    fact booted-system 'readlink /run/booted-system'
    fact store-mount 'awk "\$2 == \"/nix/store\" { print \$4 }" /proc/mounts | tail -n1'
    fact store-chmod 'chmod 0777 ${hello}/bin/hello && echo changed'
    fact store-touch 'touch /nix/store/.probe && echo written'
    fact wrapper 'stat -c "%a %U %G" /run/wrappers/bin/whoami'
    fact wrappers-mount 'awk "\$2 == \"/run/wrappers\" { print \$4 }" /proc/mounts'
    fact wrapper-euid 'su -s /bin/sh bob -c /run/wrappers/bin/whoami'
    fact profile-hello '/etc/profiles/per-user/alice/bin/hello'
    fact login-path 'env -i HOME=/home/alice USER=alice /bin/sh -c ". /etc/profile; echo \$PATH"'
    fact login-hello 'env -i HOME=/home/alice USER=alice /bin/sh -c ". /etc/profile; hello"'
    fact pam-path 'grep "^PATH" /etc/pam/environment'
    fact home 'stat -c "%a %U %G" /home/alice'
    fact machine-id 'cat /etc/machine-id'
    fact root-fs 'awk "\$2 == \"/\" { t = \$3 \" \" \$4 } END { print t }" /proc/mounts'
    fact persist 'cat /persist/marker'
    fact tmp 'ls -A /tmp'
    fact variables 'env -i HOME=/home/alice USER=alice /bin/sh -c ". /etc/profile; echo \$EDITOR \$BASTION_SESSION"'
    fact pam-session 'grep "^BASTION_SESSION" /etc/pam/environment'
    fact host-keys 'for k in /etc/ssh/ssh_host_rsa_key /etc/ssh/ssh_host_ed25519_key; do stat -c "%n %a %U" $k $k.pub; done'
    fact host-key-sums 'cat /etc/ssh/ssh_host_ed25519_key.pub /etc/ssh/ssh_host_rsa_key.pub | md5sum | cut -d" " -f1'
    fact authorized-alice 'stat -c "%a %U %F" /etc/ssh/authorized_keys.d/alice; cat /etc/ssh/authorized_keys.d/alice'
    fact authorized-dir 'stat -c "%a %U" /etc/ssh/authorized_keys.d /etc/ssh'
    fact statoverride-program 'stat -c "%a %U %G" /run/wrappers/bin/recorded-id'
    fact statoverride-dir 'stat -c "%a %U %G" /var/lib/recorded'
    fact exec-copy 'cp ${pkgs.busybox}/bin/busybox /root/true && /root/true && echo executed'
    echo FACTS-DONE
    poweroff -f
  '';
in
{
  # Generation 2 adds a user whose name sorts first: the others keep their
  # uids (remembered), it gets a fresh one.
  imports = lib.optional (gen == "2") { users.users.aaron = { isNormalUser = true; shell = "/bin/sh"; }; };
  boot.isContainer = true;
  boot.systemdExecutable = "${facts}";
  networking.hostName = "os14";
  users.mutableUsers = false;
  users.users.alice = {
    isNormalUser = true;
    extraGroups = [ "wheel" ];
    hashedPasswordFile = "/persist/secrets/alice.hash";
    packages = [ hello ];
    shell = "/bin/sh";
  };
  users.users.alice.openssh.authorizedKeys = {
    keys = [ "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBLTqGcAIMGPq8TmaTOSBVhjY5sD6GMlT3xhJIlGyD3o alice@example.org" ];
    keyFiles = [ ./alice.pub ];
  };
  users.users.root.openssh.authorizedKeys.keys = lib.optional (rootKey != null) rootKey;
  services.openssh.enable = true;
  programs.ssh.package = if ssh != null then ssh else pkgs.openssh;
  environment.variables.EDITOR = "nvim";
  environment.sessionVariables.BASTION_SESSION = "from-pam";
  environment.systemPackages = [ recorded ];
  users.users.bob = { isNormalUser = true; shell = "/bin/sh"; hashedPassword = "!"; };
  environment.etc = {
    "bastion/gen".text = "generation ${gen}\n";
    "bastion/linked".text = "linked in generation ${gen}\n";
    "bastion/copied" = { text = "copied in generation ${gen}\n"; mode = "0640"; user = "alice"; group = "wheel"; };
  } // lib.optionalAttrs (gen == "1") {
    "bastion/only-gen1".text = "only in generation 1\n";
    "bastion/copied-gen1" = { text = "copied only in generation 1\n"; mode = "0600"; };
  };
  security.wrappers.whoami = {
    source = "${pkgs.busybox}/bin/busybox";
    setuid = true;
    owner = "root";
    group = "root";
    permissions = "u+rx,g+x,o+x";
  };
  fileSystems = lib.optionalAttrs tmpfsRoot {
    "/" = { device = "none"; fsType = "tmpfs"; options = [ "defaults" "size=64M" "noexec" ]; };
    "/persist" = { device = "/persist"; fsType = "none"; options = [ "bind" ]; neededForBoot = true; };
  };
}
