# os.test.pass: a client probing a server across the test network, and the
# driver's API on the way (succeed/fail/execute, the waits, subtest,
# reboot, crash, machines). Line numbers matter to no check here.
{
  name = "two-node";
  nodes = {
    server = import ./node.nix { };
    client = import ./node.nix { serve = false; };
  };
  # busybox's wget (static glibc) crashes resolving without glibc's NSS
  # modules in the root; its nc resolves /etc/hosts itself.
  testScript = ''
    def get(m, host, port=80):
        return m.succeed("printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 5 %s %d" % (host, port))

    start_all()
    assert [m.name for m in machines] == ["client", "server"], machines
    server.wait_for_open_port(80)
    client.wait_for_closed_port(80, timeout=5)

    with subtest("the client reaches the server by its node name"):
        out = get(client, "server")
        assert out.endswith("\r\n\r\nserved by server at 192.0.2.2\n"), repr(out)
        client.succeed("grep -E '^192\\.0\\.2\\.2 +server$' /etc/hosts")
        client.fail("nc -w 2 server 81 </dev/null")

    with subtest("execute returns the status and stdout"):
        status, out = client.execute("echo one; echo two >&2; exit 3")
        assert (status, out) == (3, "one\n"), (status, out)
        assert client.succeed("hostname") == "client\n"
        assert client.succeed("echo $HOME; id -u") == "/root\n0\n"
        client.succeed("echo $PATH | grep -q /run/current-system/sw/bin")
        client.wait_until_succeeds("test -e /run/flag || { touch /run/flag; false; }", timeout=20)
        client.wait_until_fails("test ! -e /run/flag", timeout=20)

    with subtest("a reboot boots the server again; /run is fresh"):
        server.succeed("touch /run/before-reboot")
        server.reboot()
        server.wait_for_open_port(80)
        server.fail("test -e /run/before-reboot")
        get(client, "server")

    with subtest("a second generation boots; after a rollback the first one boots again"):
        server.fail("test -e /etc/ostest-generation")
        server.switch_root("gen2.nix")
        server.fail("test -e /etc/ostest-generation")
        server.reboot()
        assert server.succeed("cat /etc/ostest-generation") == "2\n"
        assert "2 " in server.list_generations()
        server.rollback()
        server.reboot()
        server.fail("test -e /etc/ostest-generation")
        get(client, "server")

    with subtest("after a crash the server no longer answers"):
        server.crash()
        client.wait_until_fails("nc -w 1 server 80 </dev/null", timeout=30)
  '';
}
