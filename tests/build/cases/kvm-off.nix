# Without "kvm" in system-features no sandbox gets /dev/kvm, even on a
# host that has it.
# flags: --option system-features benchmark
derivation {
  name = "kvm-off";
  system = "x86_64-linux";
  builder = "/bin/sh";
  args = [ "-c" "{ ls -a /dev; cat /proc/self/mountinfo | cut -d' ' -f5 | grep ^/dev | sort; } > $out" ];
}
