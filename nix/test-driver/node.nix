# One node of a test (src/cli/os_test.cpp builds it as a configuration
# file importing this): the node's own configuration, plus the test
# network's facts as NixOS's test framework gives them —
# networking.primaryIPAddress, the node's name as its default hostName, and
# every node's name in /etc/hosts with its address on the private network
# 192.0.2.0/24 (the address `bastion os test` gives the node's veth).
{ testFile, name }:
{ lib, ... }:
let
  t = import ./load-test.nix { inherit testFile; };
  me = lib.findFirst (n: n.name == name) (throw "no node '${name}' in ${toString testFile}") t.indexed;
in
{
  imports = [ t.nodes.${name} ];
  options.networking.primaryIPAddress = lib.mkOption {
    type = lib.types.str;
    readOnly = true;
    description = "The node's address on the test network (set by the test driver).";
  };
  config = {
    networking.primaryIPAddress = me.address;
    networking.hostName = lib.mkDefault name;
    networking.hosts = builtins.listToAttrs (map (n: { name = n.address; value = [ n.name ]; }) t.indexed);
    boot.isContainer = lib.mkDefault true;
  };
}
