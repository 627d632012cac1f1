# String context: deep (drvPath), per-output, discarded output dependency.
let
  dep = derivation { name = "dep"; system = "x86_64-linux"; builder = "/bin/sh"; outputs = [ "out" "dev" ]; };
  dep2 = derivation { name = "dep2"; system = "x86_64-linux"; builder = "/bin/sh"; x = dep.dev; };
in
{
  deep = derivation { name = "deep"; system = "x86_64-linux"; builder = "/bin/sh"; d = dep2.drvPath; };
  discard = derivation { name = "discard"; system = "x86_64-linux"; builder = "/bin/sh"; d = builtins.unsafeDiscardOutputDependency dep2.drvPath; };
  outs = derivation { name = "outs"; system = "x86_64-linux"; builder = "/bin/sh"; d = "${dep.out} ${dep.dev} ${dep2}"; };
  appended = derivation {
    name = "appended";
    system = "x86_64-linux";
    builder = "/bin/sh";
    d = builtins.appendContext "" { ${dep.drvPath} = { outputs = [ "dev" ]; }; };
  };
}
