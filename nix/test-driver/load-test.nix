# A test file loaded (eval-test.nix, node.nix): the test attribute set, the
# node names in order (a node's address is 192.0.2.<index+1>), its name.
{ testFile }:
let
  lib = import ../lib;
  raw = import testFile;
  # The function form gets what it asks for: pkgs is <bastion/pkgs>,
  # imported only when used.
  args = {
    inherit lib;
    pkgs = import ../pkgs { };
  };
  test =
    if builtins.isFunction raw then raw (builtins.intersectAttrs (builtins.functionArgs raw) args)
    else raw;
  nodes = test.nodes or (throw "${toString testFile}: the test has no `nodes` (NixOS's test form: { nodes.<name> = <configuration>; testScript = ''…''; })");
  nodeNames = builtins.attrNames nodes;
  checkedNames =
    if nodeNames == [ ] then throw "${toString testFile}: `nodes` is empty"
    else if builtins.length nodeNames > 250 then throw "${toString testFile}: more than 250 nodes"
    else map (n:
      if builtins.match "[a-zA-Z_][a-zA-Z0-9_]*" n == null
      then throw "${toString testFile}: node name '${n}' is not a Python identifier (the test script names it)"
      else n) nodeNames;
  addressOf = i: "192.0.2.${toString (i + 1)}";
  indexed = lib.imap0 (i: n: { name = n; address = addressOf i; }) checkedNames;
  nodesConfig = builtins.listToAttrs (map (n: {
    inherit (n) name;
    value = (import ../os/eval-config.nix {
      configuration = [ (nodeModule n.name) ];
    }).config;
  }) indexed);
  nodeModule = name: import ./node.nix { inherit testFile name; };
  script = test.testScript or (throw "${toString testFile}: the test has no `testScript`");
in
{
  inherit test nodes indexed nodeModule;
  nodeNames = checkedNames;
  name = test.name or (lib.removeSuffix ".nix" (baseNameOf (toString testFile)));
  testScript = if builtins.isFunction script then script { nodes = nodesConfig; } else script;
}
