# expect: failed with exit code 3
# flags: -Q
# expect: For full logs, run 'nix log /nix/store/
# A builder that fails: no output becomes valid.
derivation {
  name = "broken";
  system = "x86_64-linux";
  builder = "/bin/sh";
  args = [ "-c" "echo about to fail; mkdir $out; exit 3" ];
}
