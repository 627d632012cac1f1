# Attributes the builder checks after the build, passAsFile, and placeholders.
let
  dep = derivation { name = "dep"; system = "x86_64-linux"; builder = "/bin/sh"; };
in
derivation {
  name = "checks";
  system = "x86_64-linux";
  builder = "/bin/sh";
  outputs = [ "out" "bin" ];
  allowedReferences = [ dep "out" ];
  disallowedReferences = [ ];
  allowedRequisites = [ dep ];
  disallowedRequisites = [ ];
  passAsFile = [ "big" ];
  big = "a lot of text";
  outPlaceholder = builtins.placeholder "out";
  binPlaceholder = builtins.placeholder "bin";
  preferLocalBuild = true;
  allowSubstitutes = false;
  impureEnvVars = [ "http_proxy" ];
}
