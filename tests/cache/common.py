"""What the binary-cache runners (tests/cache/*.py) share: the tools, the
fixture expression, a serve-cache process, HTTP requests over raw sockets."""
import os
import shutil
import socket
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import bastion_test as bt  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))

# Two derivations, top referring to dep; `salt` makes fresh store paths,
# `random` a builder whose output differs on every build ($RANDOM).
EXPR = r'''{ salt ? "1", random ? false }:
let
  sh = "/bin/sh";
  dep = derivation { name = "dep-${salt}"; system = builtins.currentSystem; builder = sh;
    args = [ "-c" "echo dep ${salt} > $out" ]; };
in derivation { name = "top-${salt}"; system = builtins.currentSystem; builder = sh;
  args = [ "-c" ("mkdir $out; echo ${dep} > $out/ref; echo top ${salt} > $out/x"
                 + (if random then "; echo $RANDOM$RANDOM > $out/r" else "")) ]; }
'''


class Tools:
    def __init__(self, bastion, work):
        self.bastion = bastion
        self.work = work
        self.nix_store = shutil.which("nix-store")
        self.nix_build = shutil.which("nix-build")
        self.nix = shutil.which("nix")
        # Nix's narinfo cache (binary-cache-v6.sqlite) lives under
        # XDG_CACHE_HOME: one of our own, so no answer is remembered
        # from another run.
        self.env = bt.nix_env(conf="sandbox = true\nsandbox-paths = /bin/sh=" + bt.busybox(),
                              XDG_CACHE_HOME=os.path.join(work, "xdg-cache"), HOME=work,
                              NIX_REMOTE="")
        self.benv = dict(os.environ, HOME=work, XDG_CACHE_HOME=os.path.join(work, "xdg-cache"))
        self.benv.pop("NIX_CONFIG", None)
        self.expr = os.path.join(work, "fixture.nix")
        bt.write_file(self.expr, EXPR)

    def have_nix(self):
        return all((self.nix_store, self.nix_build, self.nix))

    def bas(self, *args, timeout=300, stdin=None):
        return bt.run([self.bastion, *args], env=self.benv, newlines=True, timeout=timeout,
                      stdin=stdin)

    def nixc(self, prog, *args, timeout=300):
        return bt.run([prog, *args], env=self.env, newlines=True, timeout=timeout)

    def nix3(self, *args, timeout=300):
        return self.nixc(self.nix, "--extra-experimental-features", "nix-command", *args,
                         timeout=timeout)

    def bas_build(self, store, *args):
        return self.bas("nix-build", self.expr, "--store", store, "--no-out-link",
                        *bt.bastion_sandbox_options(), *args)

    def nix_build_(self, store, *args):
        return self.nixc(self.nix_build, self.expr, "--store", store, "--no-out-link",
                         "--option", "build-users-group", "", *args)

    def keys(self, name, tool="bastion"):
        """(secret file, public key text) of a fresh key made by tool."""
        sec = os.path.join(self.work, name + ".sec")
        pub = os.path.join(self.work, name + ".pub")
        if tool == "nix":
            self.nixc(self.nix_store, "--generate-binary-cache-key", name, sec, pub).rc
        else:
            self.bas("nix-store", "--generate-binary-cache-key", name, sec, pub)
        with open(pub) as f:
            return sec, f.read().strip()


def subst_opts(url, pub):
    return ["--option", "substituters", url, "--option", "trusted-public-keys", pub]


class Server:
    """bastion serve-cache on 127.0.0.1, a free port."""

    def __init__(self, tools, store, *extra):
        self.p = subprocess.Popen([tools.bastion, "serve-cache", "--store", store, "--listen",
                                   "127.0.0.1:0", *extra], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, env=tools.benv, text=True)
        line = self.p.stdout.readline()
        if not line.startswith("listening on http://"):
            self.p.kill()
            raise RuntimeError("serve-cache did not start: " + line + self.p.stderr.read())
        self.url = line.split()[-1]
        self.port = int(self.url.rsplit(":", 1)[1])

    def alive(self):
        return self.p.poll() is None

    def stop(self):
        self.p.kill()
        self.p.wait()


def http(port, raw, timeout=10):
    """Sends raw request bytes; returns (status, headers dict, body bytes)
    of the first response (Content-Length or chunked), or (None, {}, b"")."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        s.sendall(raw)
        return read_response(s)
    finally:
        s.close()


def read_response(s):
    buf = b""
    while b"\r\n\r\n" not in buf:
        d = s.recv(65536)
        if not d:
            return None, {}, b""
        buf += d
    head, rest = buf.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for l in lines[1:]:
        k, _, v = l.partition(":")
        headers[k.strip().lower()] = v.strip()
    if "content-length" in headers:
        n = int(headers["content-length"])
        while len(rest) < n:
            d = s.recv(65536)
            if not d:
                break
            rest += d
        return status, headers, rest[:n]
    if headers.get("transfer-encoding") == "chunked":
        body = b""
        while True:
            while b"\r\n" not in rest:
                rest += s.recv(65536)
            size_line, rest = rest.split(b"\r\n", 1)
            n = int(size_line, 16)
            while len(rest) < n + 2:
                rest += s.recv(65536)
            body += rest[:n]
            rest = rest[n + 2:]
            if n == 0:
                return status, headers, body
    return status, headers, rest


def get(port, path, headers=()):
    raw = "GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n%s\r\n" % (
        path, "".join(h + "\r\n" for h in headers))
    return http(port, raw.encode())


def narinfo_fields(text):
    out = {}
    for l in text.splitlines():
        k, _, v = l.partition(": ")
        out.setdefault(k, []).append(v)
    return out
