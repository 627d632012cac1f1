# Requires kvm: built where /dev/kvm is accessible (and then the sandbox
# has it), refused where it is not; both tools must agree either way.
derivation {
  name = "kvm";
  system = "x86_64-linux";
  builder = "/bin/sh";
  args = [ "-c" "{ ls -a /dev; cat /proc/self/mountinfo | cut -d' ' -f5 | grep ^/dev | sort; } > $out" ];
  requiredSystemFeatures = [ "kvm" ];
}
