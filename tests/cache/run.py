#!/usr/bin/env python3
"""Binary caches against Nix 2.8 (ctest cache.interop, cache.serve,
cache.tamper, cache.check):

  interop  Nix builds, signs and copies to file://; Bastion substitutes and
           `store verify --sigs-needed 1` passes. Bastion builds, signs,
           copies to file:// and serves its store with serve-cache; Nix
           substitutes from both.
  serve    serve-cache over raw sockets: nix-cache-info, narinfo (signed on
           the fly), NAR (plain, .xz, zstd by Accept-Encoding), Range valid /
           unsatisfiable / malformed, 404, path traversal, a 1 MB header,
           half requests held open; the server answers throughout.
  tamper   a cache changed behind its narinfo's back: flipped NAR byte,
           changed NarHash (re-signed and not), removed and foreign
           signature, narinfo of another path, reference outside the
           closure: each refused (exit 1, a message saying why), nothing
           registered.
  check    --option substitute false builds from source; --check rebuilds a
           substituted path and agrees, and reports a mismatch for a
           non-deterministic one.

Usage: run.py --bin build/bastion --section interop|serve|tamper|check
"""
import argparse
import hashlib
import lzma
import os
import shutil
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Server, Tools, bt, get, http, narinfo_fields, read_response, subst_opts  # noqa

report = bt.Report()


def check(ok, what, detail=""):
    return report.check(ok, what, detail)


def show(r):
    return "rc=%s\nstdout: %s\nstderr: %s" % (r.status, r.out[-2000:], r.err[-3000:])


def valid(t, store, path):
    r = t.bas("nix-store", "--store", store, "--check-validity", path)
    return r.rc == 0


def interop(t, w):
    nsec, npub = t.keys("nixkey", "nix")
    bsec, bpub = t.keys("baskey")
    # Nix -> Bastion
    ns = os.path.join(w, "ns")
    r = t.nix_build_(ns, "--argstr", "salt", "nix", "--option", "substituters", "")
    if not check(r.rc == 0, "Nix builds the fixture", show(r)):
        return
    top = r.out.strip()
    r = t.nix3("store", "sign", "--store", ns, "-k", nsec, "-r", top)
    check(r.rc == 0, "Nix signs it (nix store sign)", show(r))
    ncache = os.path.join(w, "ncache")
    r = t.nix3("copy", "--store", ns, "--to", "file://" + ncache, top)
    check(r.rc == 0, "Nix copies it to file://", show(r))
    bs = os.path.join(w, "bs")
    r = t.bas_build(bs, "--argstr", "salt", "nix", *subst_opts("file://" + ncache, npub))
    check(r.rc == 0 and r.out.strip() == top, "Bastion nix-build substitutes from Nix's cache",
          show(r))
    check("from 'file://" + ncache in r.err and "building '" not in r.err,
          "Bastion copied the paths rather than building them", show(r))
    r = t.bas("store", "verify", "--store", bs, "--sigs-needed", "1", "-r", top,
              "--option", "trusted-public-keys", npub)
    check(r.rc == 0, "Bastion store verify --sigs-needed 1 passes on Nix's signatures", show(r))
    r = t.bas("store", "verify", "--store", bs, "--sigs-needed", "1", "-r", top,
              "--option", "trusted-public-keys", bpub)
    check(r.rc == 2 and "signed by: nixkey (not trusted)" in r.err,
          "store verify with another trusted key says who signed and fails (2)", show(r))
    r = t.bas("path-info", "--store", bs, "--json", "--sigs", top)
    check(r.rc == 0 and '"signatures":["nixkey:' in r.out, "path-info --json --sigs shows Nix's key",
          show(r))
    r = t.nix3("path-info", "--store", bs, "--json", "--sigs", top)
    check(r.rc == 0 and '"nixkey:' in r.out, "Nix reads the signature from Bastion's store",
          show(r))
    r = t.nixc(t.nix_store, "--store", bs, "--verify", "--check-contents")
    check(r.rc == 0 and "error" not in r.err, "Nix verifies Bastion's store after substitution",
          show(r))

    # Bastion -> Nix, file://
    bs2 = os.path.join(w, "bs2")
    r = t.bas_build(bs2, "--argstr", "salt", "bas", "--option", "substituters", "")
    if not check(r.rc == 0, "Bastion builds the fixture", show(r)):
        return
    btop = r.out.strip()
    r = t.bas("store", "sign", "--store", bs2, "--key-file", bsec, "-r", btop)
    check(r.rc == 0, "Bastion store sign", show(r))
    for comp in ("zstd", "xz"):
        bcache = os.path.join(w, "bcache-" + comp)
        r = t.bas("nix-copy", "--store", bs2, "--to", "file://%s?compression=%s" % (bcache, comp),
                  btop)
        check(r.rc == 0, "Bastion nix-copy --to file:// (%s)" % comp, show(r))
        ns2 = os.path.join(w, "ns2-" + comp)
        r = t.nix_build_(ns2, "--argstr", "salt", "bas", *subst_opts("file://" + bcache, bpub))
        check(r.rc == 0 and r.out.strip() == btop,
              "Nix nix-build substitutes from Bastion's file:// cache (%s)" % comp, show(r))
        check("from 'file://" + bcache in r.err and "building '" not in r.err,
              "Nix copied the paths rather than building them (%s)" % comp, show(r))
        r = t.nixc(t.nix_store, "--store", ns2, "--verify", "--check-contents")
        check(r.rc == 0 and "error" not in r.err, "Nix verifies its store (%s)" % comp, show(r))
        r = t.nix3("path-info", "--store", ns2, "--sigs", "-r", btop)
        check(r.rc == 0 and r.out.count("baskey:") == 2,
              "Nix keeps Bastion's signatures (%s)" % comp, show(r))
    # Bastion -> Nix, serve-cache signing on the fly (the store's paths are
    # unsigned: serve-cache signs each narinfo as it sends it).
    bs3 = os.path.join(w, "bs3")
    r = t.bas_build(bs3, "--argstr", "salt", "srv", "--option", "substituters", "")
    stop = r.out.strip()
    srv = Server(t, bs3, "--sign-key", bsec)
    try:
        ns3 = os.path.join(w, "ns3")
        r = t.nix_build_(ns3, "--argstr", "salt", "srv", *subst_opts(srv.url, bpub))
        check(r.rc == 0 and r.out.strip() == stop,
              "Nix substitutes from bastion serve-cache (signed on the fly)", show(r))
        check("from '" + srv.url in r.err and "building '" not in r.err,
              "Nix copied the paths from serve-cache rather than building them", show(r))
        r = t.nixc(t.nix_store, "--store", ns3, "--verify", "--check-contents")
        check(r.rc == 0 and "error" not in r.err, "Nix verifies its store (serve-cache)", show(r))
        # Bastion from its own server, too.
        bs4 = os.path.join(w, "bs4")
        r = t.bas("nix-copy", "--store", bs4, "--from", srv.url, stop,
                  "--option", "trusted-public-keys", bpub)
        check(r.rc == 0 and valid(t, bs4, stop), "Bastion nix-copy --from serve-cache", show(r))
        # Without the key, Nix refuses.
        ns5 = os.path.join(w, "ns5")
        r = t.nix_build_(ns5, "--argstr", "salt", "srv", *subst_opts(srv.url, npub), "-j0")
        check(r.rc != 0, "Nix refuses serve-cache's paths under another trusted key", show(r))
    finally:
        srv.stop()


def nar_of(t, store, path):
    # --dump reads a file system path: the path's real location in the store.
    return bt.run([t.bastion, "nix-store", "--dump", store + path], env=t.benv).out


def serve(t, w):
    s = os.path.join(w, "s")
    r = t.bas_build(s, "--argstr", "salt", "serve", "--option", "substituters", "")
    if not check(r.rc == 0, "Bastion builds the fixture", show(r)):
        return
    top = r.out.strip()
    h = os.path.basename(top)[:32]
    sec, pub = t.keys("srvkey")
    srv = Server(t, s, "--sign-key", sec)
    try:
        st, hd, body = get(srv.port, "/nix-cache-info")
        check(st == 200 and b"StoreDir: /nix/store" in body, "GET /nix-cache-info", repr(body))
        st, hd, body = get(srv.port, "/%s.narinfo" % h)
        ni = narinfo_fields(body.decode())
        check(st == 200 and ni.get("StorePath") == [top], "GET narinfo", repr(body))
        check(any(x.startswith("srvkey:") for x in ni.get("Sig", [])),
              "the narinfo is signed on the fly with --sign-key", repr(body))
        st, hd, _ = http(srv.port, ("HEAD /%s.narinfo HTTP/1.1\r\nHost: x\r\nConnection: close"
                                    "\r\n\r\n" % h).encode())
        check(st == 200, "HEAD narinfo")
        nar = nar_of(t, s, top)
        url = "/" + ni["URL"][0]
        st, hd, body = get(srv.port, url)
        check(st == 200 and body == nar, "GET the NAR: the bytes nix-store --dump gives",
              "status %s, %d bytes of %d" % (st, len(body), len(nar)))
        digest = hashlib.sha256(body).digest()
        check(ni["NarSize"] == [str(len(nar))] and len(digest) == 32, "NarSize is the NAR's size")
        st, hd, body = get(srv.port, url, ["Range: bytes=10-29"])
        check(st == 206 and body == nar[10:30] and
              hd.get("content-range") == "bytes 10-29/%d" % len(nar),
              "Range bytes=10-29: 206 and those bytes", "%s %r" % (st, hd))
        st, hd, body = get(srv.port, url, ["Range: bytes=-16"])
        check(st == 206 and body == nar[-16:], "Range bytes=-16: the last 16 bytes", str(st))
        st, hd, body = get(srv.port, url, ["Range: bytes=100-"])
        check(st == 206 and body == nar[100:], "Range bytes=100-: to the end", str(st))
        st, hd, body = get(srv.port, url, ["Range: bytes=%d-" % (len(nar) + 5)])
        check(st == 416 and hd.get("content-range") == "bytes */%d" % len(nar),
              "Range past the end: 416 with Content-Range */size", "%s %r" % (st, hd))
        for bad in ("bytes=abc", "bytes=30-10", "bytes=1-2,5-6", "items=0-1", "bytes=-", "bytes"):
            st, hd, body = get(srv.port, url, ["Range: " + bad])
            check(st == 200 and body == nar, "malformed Range %r: ignored, 200 and the whole NAR"
                  % bad, "status %s, %d bytes" % (st, len(body)))
        st, hd, body = get(srv.port, url, ["Accept-Encoding: gzip, zstd"])
        ok = st == 200 and hd.get("content-encoding") == "zstd"
        zstd = shutil.which("zstd")
        if zstd and ok:
            ok = bt.run([zstd, "-dc"], stdin=body).out == nar
        check(ok, "Accept-Encoding: zstd gives the NAR zstd-encoded" +
              ("" if zstd else " (zstd absent: header only)"), "%s %r" % (st, hd))
        st, hd, body = get(srv.port, url, ["Accept-Encoding: gzip"])
        check(st == 200 and "content-encoding" not in hd and body == nar,
              "Accept-Encoding without zstd: the plain NAR", "%s %r" % (st, hd))
        st, hd, body = get(srv.port, url + ".xz")
        check(st == 200 and lzma.decompress(body) == nar, "GET .nar.xz: the NAR xz-compressed",
              str(st))
        for p in ("/%s.narinfo" % ("0" * 32), "/nar/%s-%s.nar" % (h, "0" * 52), "/nope",
                  "/%s.narinfo" % h.upper()):
            st, _, _ = get(srv.port, p)
            check(st == 404, "GET %s: 404" % p, str(st))
        for p in ("/../../../etc/passwd", "/nar/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
                  "/nar/" + "../" * 10 + "etc/passwd", "/" + os.path.basename(top) + "/x",
                  "/nix/store/" + os.path.basename(top) + "/x"):
            st, _, body = get(srv.port, p)
            check(st in (400, 404) and b"root:" not in body and b"top serve" not in body,
                  "path traversal %s: refused" % p, "%s %r" % (st, body[:100]))
        st, _, _ = http(srv.port, b"POST /nix-cache-info HTTP/1.1\r\nHost: x\r\n"
                        b"Connection: close\r\n\r\n")
        check(st == 405, "POST: 405")
        st, hd, body = http(srv.port, b"GET /nix-cache-info HTTP/1.1\r\nX-Big: " +
                            b"a" * (1 << 20) + b"\r\n\r\n")
        check(st in (400, 431) and hd.get("connection") == "close",
              "a 1 MB request header: 431 and the connection closed, no reset", str(st))
        st, _, _ = http(srv.port, b"\x16\x03\x01garbage\r\n\r\n")
        check(st == 400, "a garbled request line: 400", str(st))
        # Half requests held open (slowloris) do not keep others waiting.
        half = []
        for _ in range(40):
            c = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
            c.sendall(b"GET /nix-cache-info HTTP/1.1\r\nHost: x\r\n")
            half.append(c)
        try:
            st, _, body = get(srv.port, "/nix-cache-info")
            check(st == 200, "40 half requests held open: another request is answered", str(st))
            # Keep-alive: several requests on one connection.
            c = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
            got = []
            for _ in range(5):
                c.sendall(("GET /%s.narinfo HTTP/1.1\r\nHost: x\r\n\r\n" % h).encode())
                got.append(read_response(c)[0])
            c.close()
            check(got == [200] * 5, "five requests on one kept-alive connection", repr(got))
        finally:
            for c in half:
                c.close()
        # A client that drops a NAR download half way.
        c = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
        c.sendall(("GET %s HTTP/1.1\r\nHost: x\r\n\r\n" % url).encode())
        c.recv(10)
        c.close()
        time.sleep(0.2)
        st, _, _ = get(srv.port, "/nix-cache-info")
        check(st == 200 and srv.alive(), "the server is alive and answers after all of that",
              str(st))
        # Bastion substitutes through it, checking the on-the-fly signature.
        s2 = os.path.join(w, "s2")
        r = t.bas("nix-copy", "--store", s2, "--from", srv.url, top,
                  "--option", "trusted-public-keys", pub)
        check(r.rc == 0 and valid(t, s2, top), "Bastion substitutes from serve-cache", show(r))
        r = t.bas("store", "verify", "--store", s2, "--sigs-needed", "1", "-r", top,
                  "--option", "trusted-public-keys", pub)
        check(r.rc == 0, "store verify --sigs-needed 1 on what serve-cache signed", show(r))
    finally:
        srv.stop()
    r = t.bas("serve-cache", "--help")
    check(r.rc == 0 and "Usage:" in r.out, "serve-cache --help: usage, exit 0", show(r))
    for cmd in (["nix-copy"], ["path-info"], ["store"], ["store", "sign"], ["store", "verify"]):
        r = t.bas(*cmd, "--help")
        check(r.rc == 0 and "Usage:" in r.out, "%s --help: usage, exit 0" % " ".join(cmd), show(r))


def tamper(t, w):
    sec, pub = t.keys("tkey")
    fsec, fpub = t.keys("foreign")
    s = os.path.join(w, "s")
    r = t.bas_build(s, "--argstr", "salt", "tamper", "--option", "substituters", "")
    if not check(r.rc == 0, "Bastion builds the fixture", show(r)):
        return
    top = r.out.strip()
    dep = t.bas("nix-store", "--store", s, "-q", "--references", top).out.split()[0]
    r = t.bas("store", "sign", "--store", s, "--key-file", sec, "-r", top)
    clean = os.path.join(w, "clean")
    r = t.bas("nix-copy", "--store", s, "--to", "file://%s?compression=none" % clean, top)
    if not check(r.rc == 0, "a clean uncompressed cache", show(r)):
        return
    th, dh = os.path.basename(top)[:32], os.path.basename(dep)[:32]

    def narinfo(cache, h):
        return os.path.join(cache, h + ".narinfo")

    def edit(cache, h, f):
        p = narinfo(cache, h)
        with open(p) as fh:
            text = fh.read()
        os.chmod(p, 0o644)
        with open(p, "w") as fh:
            fh.write(f(text))

    def sub_lines(text, key, value):
        out = []
        for l in text.splitlines():
            if l.startswith(key + ": "):
                if value is None:
                    continue
                l = key + ": " + value
            out.append(l)
        return "\n".join(out) + "\n"

    def flip_nar(cache, h):
        ni = narinfo_fields(open(narinfo(cache, h)).read())
        p = os.path.join(cache, ni["URL"][0])
        os.chmod(p, 0o644)
        with open(p, "r+b") as f:
            data = bytearray(f.read())
            i = data.rfind(b"top tamper")
            data[i] ^= 0x20
            f.seek(0)
            f.write(data)

    other_hash = "sha256:" + "1" * 52

    cases = [
        ("a flipped byte in the NAR", lambda c: flip_nar(c, th), "hash mismatch"),
        ("a changed NarHash", lambda c: edit(c, th, lambda x: sub_lines(x, "NarHash", other_hash)),
         "no valid signature"),
        ("a removed signature", lambda c: edit(c, th, lambda x: sub_lines(x, "Sig", None)),
         "is not signed"),
        ("a foreign signature only",
         lambda c: edit(c, th, lambda x: sub_lines(x, "Sig", "foreign:" + "A" * 86 + "==")),
         "no valid signature"),
        ("the narinfo of another path",
         lambda c: (os.chmod(narinfo(c, th), 0o644), shutil.copy(narinfo(c, dh), narinfo(c, th))),
         "'" + dep + "'"),
        ("a reference outside the closure", lambda c: os.unlink(narinfo(c, dh)),
         "outside the closure"),
    ]
    for i, (what, damage, reason) in enumerate(cases):
        cache = os.path.join(w, "t%d" % i)
        shutil.copytree(clean, cache)
        damage(cache)
        for how in ("nix-copy --from", "nix-build"):
            st = os.path.join(w, "st%d-%s" % (i, how[4:8]))
            if how == "nix-copy --from":
                r = t.bas("nix-copy", "--store", st, "--from", "file://" + cache, top,
                          "--option", "trusted-public-keys", pub)
                ok = r.rc == 1 and reason in r.err and "error:" in r.err
            else:
                # nix-build falls back to building (as Nix does) once the
                # cache is refused; -j0 forbids that, so it must fail.
                r = t.bas_build(st, "--argstr", "salt", "tamper", "-j0",
                                *subst_opts("file://" + cache, pub))
                ok = r.rc == 1 and reason in r.err
            check(ok, "%s: %s refuses it, saying %r" % (what, how, reason), show(r))
            # nix-build may take dep (untouched, signed) before it gives
            # up on top; nix-copy checks the whole closure first.
            refused = (top, dep) if how == "nix-copy --from" else (top,)
            left = [p for p in bt.store_paths(st) if p in refused]
            reg = [p for p in refused if valid(t, st, p)]
            check(not reg and not left, "%s: %s registered nothing of %s, left nothing" %
                  (what, how, "the closure" if len(refused) == 2 else "top"),
                  "valid: %r, on disk: %r" % (reg, left))
    # A foreign signature that verifies (a real key the user does not trust).
    fs = os.path.join(w, "fs")
    r = t.bas_build(fs, "--argstr", "salt", "tamper", "--option", "substituters", "")
    t.bas("store", "sign", "--store", fs, "--key-file", fsec, "-r", top)
    fcache = os.path.join(w, "fcache")
    t.bas("nix-copy", "--store", fs, "--to", "file://" + fcache, top)
    st = os.path.join(w, "st-foreign")
    r = t.bas("nix-copy", "--store", st, "--from", "file://" + fcache, top,
              "--option", "trusted-public-keys", pub)
    check(r.rc == 1 and "signature" in r.err and not valid(t, st, top),
          "a valid signature by an untrusted key: refused, nothing registered", show(r))
    r = t.bas("nix-copy", "--store", st, "--from", "file://" + fcache, top,
              "--option", "trusted-public-keys", pub + " " + fpub)
    check(r.rc == 0 and valid(t, st, top), "... accepted once that key is trusted", show(r))
    # A changed NarHash signed anew with the trusted key: the signature is
    # good, so the NAR check is what refuses it.
    cache = os.path.join(w, "resigned")
    shutil.copytree(clean, cache)
    edit(cache, th, lambda x: sub_lines(sub_lines(x, "NarHash", other_hash), "Sig", None))
    r = t.bas("nix-copy", "--store", os.path.join(w, "rs"), "--from", "file://" + cache, top,
              "--no-check-sigs")
    check(r.rc == 1 and "hash mismatch" in r.err and not valid(t, os.path.join(w, "rs"), top),
          "a changed NarHash with signatures not required: the NAR's hash refuses it", show(r))


def check_mode(t, w):
    sec, pub = t.keys("ckey")
    s = os.path.join(w, "s")
    for args in (["--argstr", "salt", "chk"], ["--argstr", "salt", "rnd", "--arg", "random",
                                               "true"]):
        r = t.bas_build(s, *args, "--option", "substituters", "")
        check(r.rc == 0, "Bastion builds %s" % args[2], show(r))
        t.bas("store", "sign", "--store", s, "--key-file", sec, "-r", r.out.strip())
        t.bas("nix-copy", "--store", s, "--to", "file://" + os.path.join(w, "cache"),
              r.out.strip())
    url = "file://" + os.path.join(w, "cache")
    s2 = os.path.join(w, "s2")
    r = t.bas_build(s2, "--argstr", "salt", "chk", "--option", "substitute", "false",
                    *subst_opts(url, pub))
    check(r.rc == 0 and "building '" in r.err and "copying path" not in r.err,
          "--option substitute false builds from source, copies nothing", show(r))
    s3 = os.path.join(w, "s3")
    r = t.bas_build(s3, "--argstr", "salt", "chk", *subst_opts(url, pub))
    check(r.rc == 0 and "copying path" in r.err and "building '" not in r.err,
          "with the cache it substitutes", show(r))
    r = t.bas_build(s3, "--argstr", "salt", "chk", "--check", *subst_opts(url, pub))
    check(r.rc == 0 and "building '" in r.err,
          "--check rebuilds the substituted path and agrees", show(r))
    s4 = os.path.join(w, "s4")
    rnd = ["--argstr", "salt", "rnd", "--arg", "random", "true"]
    r = t.bas_build(s4, *rnd, *subst_opts(url, pub))
    check(r.rc == 0 and "copying path" in r.err, "the non-deterministic path substitutes", show(r))
    r = t.bas_build(s4, *rnd, "--check", *subst_opts(url, pub))
    check(r.rc == 104 and "may not be deterministic" in r.err,
          "--check on the non-deterministic substituted path: mismatch, exit 104", show(r))
    r = t.bas("nix-store", "--store", s4, "--verify", "--check-contents")
    check(r.rc == 0 and "error" not in r.err, "the store still verifies after the failed --check",
          show(r))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--section", required=True, choices=["interop", "serve", "tamper", "check"])
    ap.add_argument("--keep", action="store_true")
    a = ap.parse_args()
    with bt.work_dir("bastion-cache-", keep=a.keep, real=True) as w:
        t = Tools(os.path.abspath(a.bin), w)
        if a.section == "interop":
            if not t.have_nix():
                return bt.skip("Nix 2.8 (nix-store, nix-build, nix) not found")
            interop(t, w)
        elif a.section == "serve":
            serve(t, w)
        elif a.section == "tamper":
            tamper(t, w)
        else:
            check_mode(t, w)
    return report.summary()


if __name__ == "__main__":
    sys.exit(main())
