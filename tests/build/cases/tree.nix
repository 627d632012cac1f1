# check: reproducible
# A tree with every kind of entry: executables, symlinks (relative,
# absolute, dangling), hard links, empty directories, odd names, files
# with old and new timestamps, and attempts at setuid/setgid bits.
derivation {
  name = "tree";
  system = "x86_64-linux";
  builder = "/bin/sh";
  args = [ "-c" ''
    set -e
    mkdir -p $out/bin $out/share/empty "$out/odd name" $out/deep/a/b/c
    echo hello > $out/share/greeting
    printf '#!/bin/sh\necho hi\n' > $out/bin/hi
    chmod 755 $out/bin/hi
    ln -s hi $out/bin/hi-link
    ln -s /nix/store/nowhere $out/bin/dangling
    ln -s $out/share/greeting $out/share/abs-link
    ln $out/share/greeting $out/share/hard
    touch -d 2001-01-01 $out/share/greeting
    echo x > "$out/odd name/ünï"
    echo deep > $out/deep/a/b/c/file
    chmod 4755 $out/bin/hi 2>/dev/null || echo setuid refused
    chmod 2755 $out/bin/hi 2>/dev/null || echo setgid refused
    chmod 1777 $out/share/empty 2>/dev/null || echo sticky refused
    chmod 600 $out/share/greeting
  '' ];
}
