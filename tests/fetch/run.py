#!/usr/bin/env python3
"""Fetching: builtins.fetchurl, builtins.fetchTarball and the builtin:fetchurl
builder (via `import <nix/fetchurl.nix>`), Bastion against Nix 2.8.

Files are served from an HTTP server this script starts on 127.0.0.1 (a free
port, loopback only: nothing reaches the internet), and from file:// URLs.

Always checked (Bastion alone):
  * pinned and unpinned fetches agree; each URL is downloaded once per
    evaluation; a pinned path already in the store is not downloaded again;
  * a wrong sha256 fails with exit 1 and Nix's "specified:/got:" message;
    a 404 and a refused connection fail with "unable to download '…'";
  * pure evaluation mode refuses an unpinned fetch;
  * a tarball with a '..' entry is refused and writes nothing outside.
With Nix 2.8 on PATH (unless --no-live), also:
  * the printed store paths of every fetch are Nix's (read-only --eval);
  * instantiating into a store writes the same paths with the same NAR
    hashes as Nix does into its own;
  * `nix-build` of <nix/fetchurl.nix> (plain, executable, unpack of a NAR
    and of a .nar.xz) gives Nix's output path and NAR hash.
"""
import argparse
import base64
import hashlib
import http.server
import io
import lzma
import os
import shutil
import sys
import tarfile
import threading
import zipfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import bastion_test as bt  # noqa: E402

report = bt.Report()
check = report.check


# ---- the server -------------------------------------------------------------

class Handler(http.server.SimpleHTTPRequestHandler):
    requests = []

    def do_GET(self):
        Handler.requests.append(self.path)
        if self.path == "/redirect/f.txt":
            self.send_response(302)
            self.send_header("Location", "/f.txt")
            self.end_headers()
            return
        super().do_GET()

    def log_message(self, *args):
        pass


def serve(directory):
    handler = lambda *a, **k: Handler(*a, directory=directory, **k)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


# ---- served files -------------------------------------------------------------

def tar_bytes(entries, mode):
    """entries: (name, data or None for a directory, mode, symlink target)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode=mode) as t:
        for name, data, perm, link in entries:
            info = tarfile.TarInfo(name)
            info.mtime = 1000000000
            info.mode = perm
            if link is not None:
                info.type = tarfile.SYMTYPE
                info.linkname = link
                t.addfile(info)
            elif data is None:
                info.type = tarfile.DIRTYPE
                t.addfile(info)
            else:
                info.size = len(data)
                t.addfile(info, io.BytesIO(data))
    return buf.getvalue()


TREE = [
    ("pkg-1.0", None, 0o755, None),
    ("pkg-1.0/README", b"read me\n", 0o644, None),
    ("pkg-1.0/bin", None, 0o755, None),
    ("pkg-1.0/bin/run", b"#!/bin/sh\necho hi\n", 0o755, None),
    ("pkg-1.0/link", None, 0o777, "README"),
    ("pkg-1.0/empty", None, 0o755, None),
]


def make_files(root, bastion):
    def put(name, data):
        with open(os.path.join(root, name), "wb") as f:
            f.write(data)

    put("f.txt", b"hello\n")
    put("script.sh", b"#!/bin/sh\necho script\n")
    put("t.tar", tar_bytes(TREE, "w"))
    put("t.tar.gz", tar_bytes(TREE, "w:gz"))
    put("t.tar.bz2", tar_bytes(TREE, "w:bz2"))
    put("t.tar.xz", tar_bytes(TREE, "w:xz"))
    put("evil.tar.gz", tar_bytes([("../evil-fetch-escape", b"x", 0o644, None)], "w:gz"))
    put("flat.tar.gz", tar_bytes([("a", b"1", 0o644, None), ("b", b"2", 0o644, None)], "w:gz"))
    zbuf = io.BytesIO()
    with zipfile.ZipFile(zbuf, "w") as z:
        z.writestr("pkg-1.0/README", b"read me\n")
        z.writestr("pkg-1.0/sub/x", b"x\n")
    put("t.zip", zbuf.getvalue())
    # A NAR (and an xz-compressed one) for builtin:fetchurl's unpack.
    tree = os.path.join(root, "..", "nar-src")
    os.makedirs(os.path.join(tree, "sub"))
    with open(os.path.join(tree, "sub", "x"), "w") as f:
        f.write("in a nar\n")
    nar = bt.run([bastion, "nix-store", "--dump", tree], ok_codes=(0,)).out
    put("tree.nar", nar)
    put("tree.nar.xz", lzma.compress(nar, format=lzma.FORMAT_XZ, check=lzma.CHECK_CRC32))


# ---- running the tools ------------------------------------------------------------

class Tools:
    def __init__(self, bastion, live, home):
        self.bastion = bastion
        self.live = live
        self.env = dict(os.environ, HOME=home, XDG_CACHE_HOME=os.path.join(home, ".cache"), NIX_PATH="")
        # Nix as root without the nixbld group, and never the binary cache.
        self.nix_env = bt.nix_env(self.env, conf="substituters =\n")

    def bastion_cmd(self, tool, *args):
        return bt.run([self.bastion, tool, *args], env=self.env, timeout=300, text=True)

    def nix_cmd(self, tool, *args):
        return bt.run([tool, *args], env=self.nix_env, timeout=300, text=True)


def sri_sha256(path):
    with open(path, "rb") as f:
        return "sha256-" + base64.b64encode(hashlib.sha256(f.read()).digest()).decode()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True, help="the bastion binary")
    ap.add_argument("--no-live", action="store_true", help="do not compare with Nix 2.8")
    args = ap.parse_args()
    bastion = os.path.abspath(args.bin)
    live = not args.no_live and shutil.which("nix-instantiate") is not None
    if not live:
        print("note: Nix 2.8 not used; only Bastion's own behaviour is checked")

    with bt.work_dir("bastion-fetch-test-", real=True) as work:
        srv_dir = os.path.join(work, "srv")
        os.makedirs(srv_dir)
        make_files(srv_dir, bastion)
        server = serve(srv_dir)
        base = "http://127.0.0.1:%d" % server.server_address[1]
        t = Tools(bastion, live, os.path.join(work, "home"))
        run_checks(t, work, srv_dir, base)
        server.shutdown()
    return report.summary()


def run_checks(t, work, srv, base):
    fhash = sri_sha256(os.path.join(srv, "f.txt"))
    store = bt.Stores(work).new

    def both_eval(expr, what, extra=()):
        """Evaluates read-only in both tools; the outputs must agree."""
        rc, out, err = t.bastion_cmd("nix-instantiate", "--eval", "--store", store(), *extra, "-E", expr)
        check(rc == 0, what + ": Bastion succeeds", err)
        if t.live:
            nrc, nout, nerr = t.nix_cmd("nix-instantiate", "--eval", "--store", store(), *extra, "-E", expr)
            check(nrc == 0 and nout == out, what + ": same result as Nix 2.8",
                  "bastion: %r\nnix: %r %s" % (out, nout, nerr))
        return out

    # ---- read-only evaluation: printed paths ----
    pinned = both_eval('builtins.fetchurl { url = "%s/f.txt"; sha256 = "%s"; }' % (base, fhash), "fetchurl pinned")
    unpinned = both_eval('builtins.fetchurl "%s/f.txt"' % base, "fetchurl unpinned")
    check(pinned == unpinned, "pinned and unpinned fetchurl agree")
    both_eval('builtins.fetchurl { url = "%s/f.txt"; name = "other-name"; }' % base, "fetchurl with a name")
    both_eval('builtins.fetchurl "file://%s/f.txt"' % srv, "fetchurl of a file:// URL")
    redirected = both_eval('builtins.fetchurl "%s/redirect/f.txt"' % base, "fetchurl follows a redirect")
    check(redirected == unpinned, "a redirect gives the same file")
    for ext in ["tar", "tar.gz", "tar.bz2", "tar.xz", "zip"]:
        both_eval('builtins.fetchTarball "%s/t.%s"' % (base, ext), "fetchTarball of a .%s" % ext)
    both_eval('builtins.fetchTarball { url = "file://%s/t.tar.gz"; name = "pkg"; }' % srv, "fetchTarball with a name")
    rc, out, err = t.bastion_cmd("nix-instantiate", "--eval", "--store", store(), "-E",
                                 'builtins.fetchTarball "%s/flat.tar.gz"' % base)
    # Nix 2.8 refuses this ("unexpected number of top-level files"); newer
    # Nix, like Bastion, keeps the whole archive.
    check(rc == 0 and out.endswith("-source\"\n"), "fetchTarball of an archive without a top-level directory", err)

    # ---- one download per URL and evaluation ----
    Handler.requests.clear()
    rc, out, err = t.bastion_cmd("nix-instantiate", "--eval", "--strict", "--store", store(), "-E",
                                 'let f = builtins.fetchurl "%s/f.txt"; in [ f (builtins.fetchurl "%s/f.txt") ]'
                                 % (base, base))
    check(rc == 0 and Handler.requests.count("/f.txt") == 1, "the same URL is downloaded once per evaluation",
          "%s %s" % (Handler.requests, err))

    # ---- errors ----
    bad = "0000000000000000000000000000000000000000000000000000"
    expr = 'builtins.fetchurl { url = "%s/f.txt"; sha256 = "%s"; }' % (base, bad)
    rc, out, err = t.bastion_cmd("nix-instantiate", "--eval", "--store", store(), "-E", expr)
    want = ("hash mismatch in file downloaded from '%s/f.txt':\n" % base +
            "         specified: sha256:%s\n" % bad +
            "         got:       sha256:00xyyr3fi8l6hb839bv3f7yb86yjv7xi1cgh1xnhipym4asvb4aq")
    check(rc == 1 and want in err, "a wrong sha256 fails with exit 1 and specified/got", err)
    if t.live:
        nrc, _, nerr = t.nix_cmd("nix-instantiate", "--eval", "--store", store(), "-E", expr)
        check(nrc != 0 and want in nerr, "Nix 2.8 gives the same hash mismatch message", nerr)
    rc, out, err = t.bastion_cmd("nix-instantiate", "--eval", "--store", store(), "-E",
                                 'builtins.fetchurl "%s/missing"' % base)
    check(rc == 1 and "error: unable to download '%s/missing': HTTP error 404 ('File not found')" % base in err,
          "a 404 fails clearly", err)
    rc, out, err = t.bastion_cmd("nix-instantiate", "--eval", "--store", store(), "-E",
                                 'builtins.fetchurl "http://127.0.0.1:1/x"')
    check(rc == 1 and "unable to download 'http://127.0.0.1:1/x': Couldn't connect to server (7)" in err,
          "a refused connection fails clearly", err)
    for who, url in [("fetchurl", "%s/f.txt" % base), ("fetchTarball", "%s/t.tar.gz" % base)]:
        rc, out, err = t.bastion_cmd("nix-instantiate", "--eval", "--option", "pure-eval", "true", "--store", store(),
                                     "-E", 'builtins.%s "%s"' % (who, url))
        check(rc == 1 and "in pure evaluation mode, '%s' requires a 'sha256' argument" % who in err,
              "pure evaluation mode refuses an unpinned %s" % who, err)
    rc, out, err = t.bastion_cmd("nix-instantiate", "--eval", "--store", store(), "-E",
                                 'builtins.fetchTarball "%s/evil.tar.gz"' % base)
    check(rc == 1 and "has a '..' component" in err and not os.path.exists(os.path.join(work, "evil-fetch-escape")),
          "a tarball entry with '..' is refused", err)

    # ---- writing to a store ----
    inst = ('derivation { name = "uses-fetches"; system = "x86_64-linux"; builder = "/bin/sh"; '
            'f = builtins.fetchurl "%s/f.txt"; t = builtins.fetchTarball "%s/t.tar.xz"; '
            'z = builtins.fetchTarball "%s/t.zip"; }' % (base, base, base))
    bstore = store()
    rc, bout, err = t.bastion_cmd("nix-instantiate", "--store", bstore, "-E", inst)
    check(rc == 0, "instantiating with fetches writes the store", err)
    # Pinned and already valid: no download, even where the URL now fails.
    Handler.requests.clear()
    rc, out, err = t.bastion_cmd("nix-instantiate", "--eval", "--store", bstore, "-E",
                                 'builtins.fetchurl { url = "%s/gone/f.txt"; sha256 = "%s"; }' % (base, fhash))
    check(rc == 0 and out == pinned and not Handler.requests, "a pinned path already in the store is not downloaded",
          "%s %s" % (Handler.requests, err))
    if t.live:
        nstore = store()
        nrc, nout, nerr = t.nix_cmd("nix-instantiate", "--store", nstore, "-E", inst)
        check(nrc == 0 and nout == bout, "the same .drv as Nix 2.8", nerr)
        rc, refs, _ = t.nix_cmd("nix-store", "--store", bstore, "-qR", bout.strip())
        for p in refs.split():
            _, bh, _ = t.nix_cmd("nix-store", "--store", bstore, "-q", "--hash", p)
            _, nh, _ = t.nix_cmd("nix-store", "--store", nstore, "-q", "--hash", p)
            check(bh and bh == nh, "Nix 2.8 reads the same NAR hash of %s" % os.path.basename(p), bh + " " + nh)
        rc, _, err = t.nix_cmd("nix-store", "--store", bstore, "--verify", "--check-contents")
        check(rc == 0 and "was modified" not in err, "nix-store --verify --check-contents accepts Bastion's store", err)

    # ---- builtin:fetchurl through nix-build ----
    def nar_hash(path):
        return bt.run([t.bastion, "nix-hash", "--type", "sha256", "--base32", path], ok_codes=(0,),
                      text=True).out.strip()

    tree_hash = nar_hash(os.path.join(work, "nar-src"))
    os.chmod(os.path.join(srv, "script.sh"), 0o755)
    cases = [
        ("plain", 'url = "%s/f.txt"; sha256 = "%s";' % (base, fhash)),
        ("unpack a NAR", 'url = "%s/tree.nar"; sha256 = "%s"; unpack = true;' % (base, tree_hash)),
        ("unpack a .nar.xz", 'url = "%s/tree.nar.xz"; sha256 = "%s"; unpack = true;' % (base, tree_hash)),
        # The NAR hash of the file with its executable bit.
        ("executable", 'url = "%s/script.sh"; sha256 = "%s"; executable = true;'
         % (base, nar_hash(os.path.join(srv, "script.sh")))),
    ]
    for what, attrs in cases:
        expr = "import <nix/fetchurl.nix> { %s }" % attrs
        bstore = store()
        rc, bout, err = t.bastion_cmd("nix-build", "--no-out-link", "--store", bstore, "-E", expr)
        check(rc == 0 and bout.startswith("/nix/store/"), "nix-build of <nix/fetchurl.nix> (%s)" % what, err)
        if t.live:
            nstore = store()
            nrc, nout, nerr = t.nix_cmd("nix-build", "--no-out-link", "--store", nstore, "-E", expr)
            check(nrc == 0 and nout == bout, "the same output as Nix 2.8's nix-build (%s)" % what,
                  "bastion: %r\nnix: %r %s" % (bout, nout, nerr[-2000:]))
            if rc == 0 and nrc == 0:
                _, bh, _ = t.nix_cmd("nix-store", "--store", bstore, "-q", "--hash", bout.strip())
                _, nh, _ = t.nix_cmd("nix-store", "--store", nstore, "-q", "--hash", nout.strip())
                check(bh and bh == nh, "the same NAR hash as Nix 2.8's output (%s)" % what)
    rc, out, err = t.bastion_cmd("nix-build", "--no-out-link", "--store", store(), "-E",
                                 'import <nix/fetchurl.nix> { url = "%s/f.txt"; sha256 = "%s"; }'
                                 % (base, "sha256-" + "A" * 43 + "="))
    check(rc != 0 and "hash mismatch" in err, "nix-build of <nix/fetchurl.nix> with a wrong hash fails", err)
    rc, out, err = t.bastion_cmd("nix-build", "--no-out-link", "--store", store(), "-E",
                                 'import <nix/fetchurl.nix> { url = "%s/missing"; sha256 = "%s"; }' % (base, fhash))
    check(rc != 0 and "unable to download '%s/missing': HTTP error 404" % base in err,
          "nix-build of <nix/fetchurl.nix> of a missing file fails clearly", err)


if __name__ == "__main__":
    sys.exit(main())
