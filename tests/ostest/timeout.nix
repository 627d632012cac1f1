# os.test.fail_timeout: wait_until_succeeds gives up after its timeout; the
# report names this file's line 7.
{ pkgs, lib, ... }: {
  nodes.machine = import ./node.nix { serve = false; };
  testScript = ''
    start_all()
    machine.wait_until_succeeds("test -e /never-there", timeout=3)
  '';
}
