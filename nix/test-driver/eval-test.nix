# What `bastion os test FILE.nix` reads of a test file (src/cli/os_test.cpp),
# NixOS's test form:
#
#   { name = "…"; nodes.<name> = <configuration>; testScript = '' … ''; }
#
# or a function of { pkgs, lib, … } returning it. testScript may also be a
# function of { nodes, … } as in NixOS (nodes: each node's evaluated config).
# The result is printed as JSON: the name, the node names (sorted), the
# script, and where it is in the file (for the failing line's report).
{ testFile }:
let
  t = import ./load-test.nix { inherit testFile; };
  pos = builtins.unsafeGetAttrPos "testScript" t.test;
in
{
  inherit (t) name;
  nodes = t.nodeNames;
  testScript = t.testScript;
  file = if pos == null then toString testFile else pos.file;
  line = if pos == null then 0 else pos.line;
}
