# The toplevel's usr/, which `bastion os switch` links DIR/usr to and
# through which DIR/bin, /sbin, /lib, /lib64 resolve (systemd-nspawn refuses
# a root without /usr/, and /bin/sh must exist in it). Until the package set
# gives a merged /usr of the system's packages, it is the system profile's
# (system.path, /run/current-system/sw) own usr/ when it has one, else a
# usr/ whose bin, sbin, lib, lib64 and share are that profile's.
{ config, lib, ... }:
{
  config.system.systemBuilderCommands = ''
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
}
