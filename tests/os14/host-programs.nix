# Programs of the machine as a package of the busybox test set, where the
# set has only a stand-in: ssh-keygen for the host-key checks (the set's
# openssh fails), bash for the community impermanence module's scripts
# (busybox's ash has no shopt). The programs, the shared libraries ldd
# names and the dynamic loader are copied into the store; bin/NAME runs a
# program through that loader with those libraries, so it needs nothing
# outside the store inside a container. activation.py passes what ldd found:
#   { name = "openssh-host"; programs = { ssh-keygen = "/usr/bin/ssh-keygen"; };
#     libs = { "libc.so.6" = "/lib/x86_64-linux-gnu/libc.so.6"; … };
#     loader = "/lib64/ld-linux-x86-64.so.2"; }
{ pkgs, name, programs, libs, loader }:
let
  lib = pkgs.lib;
  copy = name: p: builtins.path { path = /. + p; name = "host-" + lib.sanitizeDerivationName name; };
  line = dir: name: p: "cp ${copy name p} $out/${dir}/${name}\n";
in
pkgs.runCommand name { } ''
  set -e
  mkdir -p $out/bin $out/libexec $out/lib
  ${lib.concatStrings (lib.mapAttrsToList (line "lib") libs)}
  cp ${copy "ld.so" loader} $out/lib/ld.so
  ${lib.concatStrings (lib.mapAttrsToList (line "libexec") programs)}
  chmod 0555 $out/lib/* $out/libexec/*
  for p in ${lib.concatStringsSep " " (lib.attrNames programs)}; do
    printf '#!%s\nexec %s --library-path %s %s "$@"\n' ${pkgs.runtimeShell} $out/lib/ld.so $out/lib $out/libexec/$p >$out/bin/$p
    chmod 0555 $out/bin/$p
  done
''
