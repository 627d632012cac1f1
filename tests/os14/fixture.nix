# A system toplevel for tests/os14/run.py: test data, not a product stand-in.
# `busybox` is the machine's static busybox (imported as it is); `gen` tells
# generations apart; `payload` adds a path of that many 64 KiB files to the
# closure, so that a copy takes long enough to be interrupted.
{ busybox, gen ? "1", payload ? 0 }:
let
  bb = builtins.path { path = busybox; name = "busybox"; };
  data = derivation {
    name = "payload-${toString payload}";
    system = "x86_64-linux";
    builder = "/bin/sh";
    args = [ "-c" ''
      mkdir -p $out
      i=0
      while [ $i -lt ${toString payload} ]; do
        yes "payload $i" | head -c 65536 > $out/f$i
        i=$((i + 1))
      done
    '' ];
  };
in derivation {
  name = "bastion-system-test-${gen}";
  system = "x86_64-linux";
  builder = "/bin/sh";
  args = [ "-c" ''
    set -e
    mkdir -p $out/usr/bin $out/usr/sbin $out/etc $out/share
    ln -s ${bb} $out/usr/bin/busybox
    for a in sh echo cat ls ip poweroff mkdir; do ln -s busybox $out/usr/bin/$a; done
    ${if payload > 0 then "ln -s ${data} $out/share/payload" else ""}
    echo "generation ${gen}" > $out/etc/gen
    echo "0.1-test${gen}" > $out/nixos-version
    printf 'console=ttyS0 quiet' > $out/kernel-params
    cat > $out/init <<EOS
    #!$out/usr/bin/sh
    echo "BOOTED \$(cat /nix/var/nix/profiles/system/etc/gen)"
    echo "booted \$(cat /nix/var/nix/profiles/system/etc/gen) pid \$\$" > /var/marker
    ip -4 -o addr > /var/addr || true
    poweroff -f
    EOS
    chmod +x $out/init
  '' ];
}
