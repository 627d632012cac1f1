# bench/os/test's test: a server (busybox httpd) and a client that fetches
# its page by name once both are up; tests/ostest/node.nix's nodes.
{
  name = "bench-probe";
  nodes = {
    server = import ../../tests/ostest/node.nix { };
    client = import ../../tests/ostest/node.nix { serve = false; };
  };
  testScript = ''
    start_all()
    server.wait_for_open_port(80)
    out = client.succeed("printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 5 server 80")
    assert out.endswith("served by server at 192.0.2.2\n"), out
  '';
}
