#!/usr/bin/env python3
"""Binary caches, the points around the format (ctest cache.retry,
cache.progress, cache.conf, cache.nginx):

  retry     a loopback HTTP server in front of a file:// cache answers the
            first requests for narinfos and NARs with 503, 500 or a
            connection dropped mid-body, then correctly: substitution and
            nix-copy --from succeed, with a warning per retry. A server
            that always fails: exit 1, a message naming the URL, nothing
            registered.
  progress  nix-copy --to and --from under a pty show a status line with
            paths and bytes done and the current path; through a pipe, no
            status line (only Nix's "copying path" lines).
  conf      substituters / trusted-public-keys / require-sigs from a
            nix.conf in NIX_CONF_DIR and in Bastion's configuration
            directory (comments, include, !include, extra-), --option
            overriding the file; a bad line is an error naming file:line.
  nginx     serve-cache behind nginx as a reverse proxy on loopback; Nix 2.8
            and Bastion substitute through it (skipped without nginx).

Usage: resilience.py --bin build/bastion --section retry|progress|conf|nginx
"""
import argparse
import http.server
import os
import pty
import re
import select
import shutil
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Server, Tools, bt, subst_opts  # noqa: E402

report = bt.Report()


def check(ok, what, detail=""):
    return report.check(ok, what, detail)


def show(r):
    return "rc=%s\nstdout: %s\nstderr: %s" % (r.status, r.out[-2000:], r.err[-3000:])


def valid(t, store, path):
    return t.bas("nix-store", "--store", store, "--check-validity", path).rc == 0


def signed_cache(t, w, salt, compression="zstd"):
    """(cache dir, public key, top, dep): the fixture built by Bastion,
    signed, copied to a file:// cache."""
    sec, pub = t.keys("key-" + salt)
    s = os.path.join(w, "src-" + salt)
    r = t.bas_build(s, "--argstr", "salt", salt, "--option", "substituters", "")
    if r.rc != 0:
        raise RuntimeError("fixture build failed\n" + show(r))
    top = r.out.strip()
    dep = t.bas("nix-store", "--store", s, "-q", "--references", top).out.split()[0]
    t.bas("store", "sign", "--store", s, "--key-file", sec, "-r", top)
    cache = os.path.join(w, "cache-" + salt)
    r = t.bas("nix-copy", "--store", s, "--to", "file://%s?compression=%s" % (cache, compression),
              top)
    if r.rc != 0:
        raise RuntimeError("copy to file:// failed\n" + show(r))
    return cache, pub, top, dep, s


class FlakyCache:
    """Serves a cache directory over HTTP on 127.0.0.1; `plan` maps a kind
    ("narinfo", "nar") to the failures the next requests of that kind get,
    one each: an HTTP status, or "drop" (headers and half the body, then
    the connection closed)."""

    def __init__(self, root, plan):
        self.root = root
        self.plan = {k: list(v) for k, v in plan.items()}
        self.log = []
        self.lock = threading.Lock()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def answer(self, body_wanted):
                path = self.path.split("?")[0]
                kind = "narinfo" if path.endswith(".narinfo") else \
                    "nar" if path.startswith("/nar/") else "other"
                with outer.lock:
                    todo = outer.plan.get(kind)
                    mode = None if not todo else todo[0] if todo[0] == "always" else todo.pop(0)
                    outer.log.append((self.command, path, mode))
                if mode == "always":
                    mode = 503
                f = os.path.join(outer.root, path.lstrip("/"))
                if ".." in path or not os.path.isfile(f):
                    mode = mode or 404
                if isinstance(mode, int):
                    msg = b"nope\n"
                    self.send_response(mode)
                    self.send_header("Content-Length", str(len(msg)))
                    self.end_headers()
                    if body_wanted:
                        self.wfile.write(msg)
                    return
                with open(f, "rb") as fh:
                    data = fh.read()
                self.send_response(200)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if not body_wanted:
                    return
                if mode == "drop":
                    self.wfile.write(data[:max(1, len(data) // 2)])
                    self.wfile.flush()
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                self.wfile.write(data)

            def do_GET(self):
                self.answer(True)

            def do_HEAD(self):
                self.answer(False)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d" % self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def failures(self, kind):
        return [m for (_, p, m) in self.log
                if m is not None and (p.endswith(".narinfo") if kind == "narinfo"
                                      else p.startswith("/nar/"))]

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def retry(t, w):
    cache, pub, top, dep, _ = signed_cache(t, w, "retry")
    plan = {"narinfo": [503, 500], "nar": ["drop", 503, "drop"]}
    for how in ("nix-build", "nix-copy --from"):
        srv = FlakyCache(cache, plan)
        st = os.path.join(w, "st-" + how.split()[0])
        try:
            if how == "nix-build":
                r = t.bas_build(st, "--argstr", "salt", "retry", *subst_opts(srv.url, pub))
            else:
                r = t.bas("nix-copy", "--store", st, "--from", srv.url, top,
                          "--option", "trusted-public-keys", pub)
        finally:
            srv.stop()
        check(r.rc == 0 and valid(t, st, top) and valid(t, st, dep),
              how + " succeeds through 503, 500 and dropped connections", show(r))
        check("building '" not in r.err, how + ": substituted, not built", show(r))
        check(srv.failures("narinfo") == [503, 500] and
              srv.failures("nar") == ["drop", 503, "drop"],
              how + ": the server's failures were all met", repr(srv.log))
        check(r.err.count("retrying in") >= 5 and "HTTP error 503" in r.err,
              how + ": a warning per retry", show(r))
        v = t.bas("store", "verify", "--store", st, "-r", top,
                  "--sigs-needed", "1", "--option", "trusted-public-keys", pub)
        check(v.rc == 0, how + ": the store verifies (no partial NAR was used)", show(v))

    # A server that always fails: narinfo, then NAR.
    for kind in ("narinfo", "nar"):
        srv = FlakyCache(cache, {kind: ["always"]})
        st = os.path.join(w, "fail-" + kind)
        t0 = time.monotonic()
        try:
            r = t.bas("nix-copy", "--store", st, "--from", srv.url, top,
                      "--option", "trusted-public-keys", pub)
        finally:
            srv.stop()
        took = time.monotonic() - t0
        check(r.rc == 1 and "unable to download '" + srv.url in r.err and "HTTP error 503" in r.err,
              "a cache whose %s always fails: exit 1, the URL and the error said" % kind, show(r))
        check(not valid(t, st, top) and not valid(t, st, dep),
              "a cache whose %s always fails: nothing registered" % kind, show(r))
        n = len(srv.failures(kind))
        check(n >= 5 and n % 5 == 0, "%s: %d attempts per file (5 each)" % (kind, n),
              repr(srv.log))
        print("info: always-failing %s: %d requests, %.1f s" % (kind, n, took))
        left = [f for f in os.listdir(st)] if os.path.isdir(st) else []
        store_dir = os.path.join(st, "nix", "store")
        stray = os.listdir(store_dir) if os.path.isdir(store_dir) else []
        stray = [p for p in stray if not p.startswith(".")]
        check(not stray, "%s: no path left in the store directory" % kind,
              repr(stray) + repr(left))


def pty_run(cmd, env, timeout=120):
    """(rc, output) of cmd run with a pty as stdin, stdout and stderr."""
    env = dict(env, TERM="xterm")  # a terminal that can redraw a line
    pid, fd = pty.fork()
    if pid == 0:
        try:
            os.execve(cmd[0], cmd, env)
        finally:
            os._exit(127)
    out = b""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        r, _, _ = select.select([fd], [], [], 1)
        if r:
            try:
                d = os.read(fd, 65536)
            except OSError:
                break
            if not d:
                break
            out += d
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), out.decode("utf-8", "replace")


def progress(t, w):
    # One path large enough that the NAR moves in many chunks.
    s = os.path.join(w, "src")
    big = os.path.join(w, "big")
    with open(big, "wb") as f:
        f.write(os.urandom(8 << 20))
    r = t.bas("nix-store", "--store", s, "--add", big)
    if not check(r.rc == 0, "a large path added", show(r)):
        return
    path = r.out.strip()
    name = os.path.basename(path)
    status_re = re.compile(r"\[(\d+)/(\d+) paths?, ([\d.]+) ([KMG]?i?B)[^\]]*\][^\r\n]*")
    cache = os.path.join(w, "cache")
    rc, out = pty_run([t.bastion, "nix-copy", "--store", s, "--to",
                       "file://%s?compression=none" % cache, path], t.benv)
    lines = status_re.findall(out)
    check(rc == 0 and lines, "nix-copy --to on a terminal draws a status line", out[-2000:])
    check(name in "".join(m.group(0) for m in status_re.finditer(out)),
          "the status line names the current path", out[-2000:])
    check("\r" in out or "\x1b[" in out, "the status line is redrawn in place", repr(out[-500:]))
    mib = max([float(m[2]) for m in lines] or [0])
    check(mib >= 7.9, "the status line counts the bytes done (%.1f MiB of 8)" % mib, out[-2000:])
    r = t.bas("nix-copy", "--store", s, "--to", "file://%s2?compression=none" % cache, path)
    check(r.rc == 0 and not status_re.search(r.err) and "\r" not in r.err and "\x1b[" not in r.err,
          "nix-copy --to through a pipe: no status line", show(r))
    check("copying path '%s' to 'file://" % path in r.err,
          "nix-copy --to through a pipe: Nix's 'copying path' line", show(r))
    d = os.path.join(w, "dst")
    rc, out = pty_run([t.bastion, "nix-copy", "--store", d, "--from", "file://" + cache, path,
                       "--option", "require-sigs", "false"], t.benv)
    found = status_re.findall(out)
    check(rc == 0 and found and valid(t, d, path),
          "substitution (nix-copy --from) on a terminal draws a status line", out[-2000:])
    if found:
        last = found[-1]
        check(last[0] == "1" and last[1] == "1",
              "the status line counts the paths done (%s/%s)" % (last[0], last[1]), out[-2000:])
    check(name in out, "the substitution status names the current path", out[-2000:])
    # A substitution by nix-build: the fixture's two paths from a cache.
    fcache, _, top, _, _ = signed_cache(t, w, "pty")
    d3 = os.path.join(w, "dst3")
    rc, out = pty_run([t.bastion, "nix-build", t.expr, "--store", d3, "--no-out-link",
                       "--argstr", "salt", "pty", *bt.bastion_sandbox_options(),
                       "--option", "substituters", "file://" + fcache,
                       "--option", "require-sigs", "false"], t.benv)
    found = status_re.findall(out)
    check(rc == 0 and valid(t, d3, top) and "building '" not in out and found,
          "nix-build substituting on a terminal draws a status line", out[-2000:])
    check(any(m[0] == "2" and m[1] == "2" for m in found),
          "nix-build's status line reaches 2/2 paths", repr(found))
    d2 = os.path.join(w, "dst2")
    r = t.bas("nix-copy", "--store", d2, "--from", "file://" + cache, path,
              "--option", "require-sigs", "false")
    check(r.rc == 0 and not status_re.search(r.err) and "\r" not in r.err,
          "substitution through a pipe: no status line", show(r))


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    bt.write_file(path, text)


def conf(t, w):
    cache, pub, top, dep, _ = signed_cache(t, w, "conf")
    url = "file://" + cache
    env0 = dict(t.benv)
    for k in list(env0):
        if k.startswith("NIX_") or k.startswith("BASTION_CONF") or k == "XDG_CONFIG_HOME":
            env0.pop(k)
    env0["XDG_CONFIG_HOME"] = os.path.join(w, "xdg")

    def build(store, env, *extra):
        return bt.run([t.bastion, "nix-build", t.expr, "--store", store, "--no-out-link",
                       "--argstr", "salt", "conf", *bt.bastion_sandbox_options(), *extra],
                      env=env, newlines=True, timeout=300)

    def substituted(r, store):
        return r.rc == 0 and valid(t, store, top) and "building '" not in r.err

    # NIX_CONF_DIR: comments, an include, a missing !include, extra-.
    cd = os.path.join(w, "etc-nix")
    write(os.path.join(cd, "keys.conf"), "trusted-public-keys = %s  # ours\n" % pub)
    write(os.path.join(cd, "nix.conf"),
                  "# the cache\n\nsubstituters =\nextra-substituters = %s\n"
                  "include keys.conf\n!include does-not-exist.conf\n"
                  "require-sigs = true\n" % url)
    env = dict(env0, NIX_CONF_DIR=cd)
    st = os.path.join(w, "s1")
    r = build(st, env)
    check(substituted(r, st), "substitutes with only $NIX_CONF_DIR/nix.conf "
          "(comments, include, !include of a missing file, extra-)", show(r))
    st = os.path.join(w, "s2")
    r = build(st, env, "--option", "substituters", "")
    check(r.rc == 0 and "building '" in r.err, "--option substituters '' overrides the file",
          show(r))
    # Bastion's configuration directory: $XDG_CONFIG_HOME/bastion/nix.conf.
    bd = os.path.join(env0["XDG_CONFIG_HOME"], "bastion")
    write(os.path.join(bd, "nix.conf"),
                  "substituters = %s\ntrusted-public-keys = %s\n" % (url, pub))
    st = os.path.join(w, "s3")
    r = build(st, env0)
    check(substituted(r, st), "substitutes with only $XDG_CONFIG_HOME/bastion/nix.conf", show(r))
    # BASTION_CONF_DIR instead of it.
    bc = os.path.join(w, "bastion-conf")
    write(os.path.join(bc, "nix.conf"),
                  "substituters = %s\ntrusted-public-keys = %s\n" % (url, pub))
    env = dict(env0, BASTION_CONF_DIR=bc, XDG_CONFIG_HOME=os.path.join(w, "empty-xdg"))
    st = os.path.join(w, "s4")
    r = build(st, env)
    check(substituted(r, st), "substitutes with only $BASTION_CONF_DIR/nix.conf", show(r))
    # The key: the wrong one in the file, --option gives the right one.
    _, other = t.keys("other")
    write(os.path.join(bc, "nix.conf"),
                  "substituters = %s\ntrusted-public-keys = %s\n" % (url, other))
    st = os.path.join(w, "s5")
    r = build(st, env)
    check(r.rc == 0 and "building '" in r.err and not re.search("copying path '[^']*' from", r.err),
          "an untrusted key in the file: nothing substituted (built instead)", show(r))
    st = os.path.join(w, "s6")
    r = build(st, env, "--option", "trusted-public-keys", pub)
    check(substituted(r, st), "--option trusted-public-keys overrides the file's", show(r))
    # require-sigs = false in the file: unsigned accepted.
    write(os.path.join(bc, "nix.conf"),
                  "substituters = %s\nrequire-sigs = false\n" % url)
    st = os.path.join(w, "s7")
    r = build(st, env)
    check(substituted(r, st), "require-sigs = false from the file", show(r))
    # A bad line: an error naming file:line, exit 1.
    write(os.path.join(bc, "nix.conf"), "substituters = %s\nthis is wrong\n" % url)
    r = build(os.path.join(w, "s8"), env)
    check(r.rc == 1 and os.path.join(bc, "nix.conf") + ":2" in r.err,
          "an illegal line: exit 1, file:line said", show(r))
    write(os.path.join(bc, "nix.conf"), "include nowhere.conf\n")
    r = build(os.path.join(w, "s9"), env)
    check(r.rc == 1 and "nowhere.conf" in r.err, "a missing include: exit 1, the file said",
          show(r))


NGINX_CONF = """
daemon off;
pid {w}/nginx.pid;
error_log {w}/nginx-error.log;
worker_processes 1;
events {{ worker_connections 64; }}
http {{
  access_log {w}/nginx-access.log;
  client_body_temp_path {w}/nginx-tmp;
  proxy_temp_path {w}/nginx-tmp;
  fastcgi_temp_path {w}/nginx-tmp;
  uwsgi_temp_path {w}/nginx-tmp;
  scgi_temp_path {w}/nginx-tmp;
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://127.0.0.1:{upstream};
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }}
  }}
}}
"""


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def nginx(t, w):
    ng = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx")
                                   else None)
    if not ng:
        return bt.skip("nginx not installed")
    if not t.have_nix():
        return bt.skip("Nix 2.8 not found")
    sec, pub = t.keys("ngx")
    s = os.path.join(w, "src")
    r = t.bas_build(s, "--argstr", "salt", "nginx", "--option", "substituters", "")
    if not check(r.rc == 0, "Bastion builds the fixture", show(r)):
        return None
    top = r.out.strip()
    srv = Server(t, s, "--sign-key", sec)
    os.makedirs(os.path.join(w, "nginx-tmp"))
    proc = None
    try:
        port = free_port()
        cf = os.path.join(w, "nginx.conf")
        write(cf, NGINX_CONF.format(w=w, port=port, upstream=srv.port))
        proc = subprocess.Popen([ng, "-c", cf, "-p", w], stderr=subprocess.PIPE, text=True)
        url = "http://127.0.0.1:%d" % port
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None:
                    break
                time.sleep(0.05)
        if not check(proc.poll() is None, "nginx starts", proc.stderr.read() if proc.poll() is not
                     None else ""):
            return None
        ns = os.path.join(w, "ns")
        r = t.nix_build_(ns, "--argstr", "salt", "nginx", *subst_opts(url, pub))
        check(r.rc == 0 and r.out.strip() == top and "building '" not in r.err
              and "from '" + url in r.err,
              "Nix 2.8 substitutes from serve-cache behind nginx", show(r))
        r = t.nixc(t.nix_store, "--store", ns, "--verify", "--check-contents")
        check(r.rc == 0 and "error" not in r.err, "Nix verifies its store", show(r))
        bs = os.path.join(w, "bs")
        r = t.bas_build(bs, "--argstr", "salt", "nginx", *subst_opts(url, pub))
        check(r.rc == 0 and valid(t, bs, top) and "building '" not in r.err,
              "Bastion substitutes from serve-cache behind nginx", show(r))
        with open(os.path.join(w, "nginx-access.log")) as f:
            log = f.read()
        check(".narinfo HTTP/1.1\" 200" in log and "/nar/" in log,
              "the requests went through nginx", log[-2000:])
    finally:
        if proc and proc.poll() is None:
            proc.terminate()
            proc.wait()
        srv.stop()
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--section", required=True, choices=["retry", "progress", "conf", "nginx"])
    ap.add_argument("--keep", action="store_true")
    a = ap.parse_args()
    with bt.work_dir("bastion-cache-", keep=a.keep, real=True) as w:
        t = Tools(os.path.abspath(a.bin), w)
        rc = {"retry": retry, "progress": progress, "conf": conf, "nginx": nginx}[a.section](t, w)
        if rc is not None:
            return rc
    return report.summary()


if __name__ == "__main__":
    sys.exit(main())
