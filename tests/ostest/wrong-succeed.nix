# os.test.fail_line: the third line of the script fails; the report names
# this file's line 8 and the command's output.
{
  nodes.machine = import ./node.nix { };
  testScript = ''
    start_all()
    machine.wait_for_open_port(80)
    machine.succeed("echo this-is-stdout; echo this-is-stderr >&2; exit 4")
    machine.succeed("true")
  '';
}
