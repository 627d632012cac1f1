# os.test.fail_timeout: wait_until_succeeds gives up after its timeout; the
# report names this file's line 9 (the script is a function of nodes).
{ pkgs, lib, ... }: {
  nodes.machine = import ./node.nix { serve = false; };
  # NixOS's function form of testScript: the nodes' evaluated configs.
  testScript = { nodes, ... }: ''
    start_all()
    machine.succeed("grep -q '^${nodes.machine.networking.primaryIPAddress} machine$' /etc/hosts")
    machine.wait_until_succeeds("test -e /never-there", timeout=3)
  '';
}
