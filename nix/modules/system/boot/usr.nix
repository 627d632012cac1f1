# The toplevel's usr/, which `bastion os switch` links DIR/usr to and
# through which DIR/bin, /sbin, /lib, /lib64 resolve (systemd-nspawn refuses
# a root without /usr/, and /bin/sh must exist in it).
#
# With a Debian package set (pkgs.debian.usr, and Debian's systemd) it is the merged tree of
# environment.systemPackages and their Depends closure, as dpkg would
# install them: what Debian's own files name by absolute path
# (/bin/mount in systemd's units, /usr/lib/systemd/systemd-*, /usr/share/
# dbus-1) is there, and /etc/alternatives comes with it. Without one (the
# tests' busybox set) it is the system profile's (system.path) own usr/
# when it has one, else a usr/ whose bin, sbin, lib, lib64 and share are
# that profile's.
{ config, lib, pkgs, ... }:
with lib;
let
  # A system whose systemd is Debian's (the package set's own, not a test
  # set's stand-in or none).
  debianUsr = pkgs ? debian && pkgs.debian ? usr && config.systemd.package != null
    && config.systemd.package ? debianClosure;
  # /bin/sh and /bin/bash, which Debian's Essential dash and bash make and
  # scripts and units name, are in every system's /usr (NixOS's binsh).
  shells = filter (p: p != null) [ (pkgs.dash or null) (pkgs.bash or null) ];
  tree = pkgs.debian.usr {
    name = "system-usr";
    packages = unique (config.environment.systemPackages ++ shells);
  };
in
{
  config = mkMerge [
    (mkIf debianUsr {
      system.build.usr = tree;
      environment.etc.alternatives.source = "${tree}/etc/alternatives";
      system.systemBuilderCommands = ''
        ln -s ${tree}/usr $out/usr
      '';
    })
    (mkIf (!debianUsr) {
      system.systemBuilderCommands = ''
        sw=${config.system.path}
        if [ -d "$sw/usr" ]; then
          ln -s "$sw/usr" $out/usr
        else
          mkdir $out/usr
          for d in bin sbin lib lib64 share; do
            if [ -e "$sw/$d" ]; then ln -s "$sw/$d" "$out/usr/$d"; fi
          done
        fi
      '';
    })
  ];
}
