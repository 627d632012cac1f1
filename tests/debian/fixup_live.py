#!/usr/bin/env python3
"""debian.fixup.live: stdenv's fixup and Debian -dev packages as inputs, on
the pinned archive's toolchain, in a throw-away store (tests/debian/fixup.nix):
- libdemo (a Makefile installing everything under $out, built with -g),
  outputs = [ "out" "dev" "man" ]: headers and .pc in dev (includedir
  patched), the man page in man, the rest in out; dev propagates out; its
  ELF files stripped of .debug_info, which dontStrip keeps; #!/bin/sh
  patched into the store;
- a program using libdemo through its dev output and pkg-config, and
  Debian's libcurl (NixOS name curl), OpenSSL (openssl.dev) and zlib
  (zlib1g-dev): it builds, runs chrooted into a root holding only the
  store with every library the loader initialises under /nix/store,
  libssl from the relocated libssl3 (its run path shrunk to the
  directories it needs), and its closure holds neither the toolchain nor a
  -dev package.
Skips (77) when the pinned archive cannot be reached or without unshare."""
import argparse, os, re, shutil, struct, subprocess, sys, tempfile

SKIP = 77
HERE = os.path.dirname(os.path.abspath(__file__))
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def run(*args, **kw):
    return subprocess.run(list(args), capture_output=True, text=True, **kw)


def sections(path):
    """The section names of a 64-bit little-endian ELF file."""
    data = open(path, "rb").read()
    if data[:4] != b"\x7fELF" or data[4] != 2:
        return []
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    hdr = lambda i: struct.unpack_from("<IIQQQQ", data, shoff + i * shentsize)
    stroff = hdr(shstrndx)[4]
    names = []
    for i in range(shnum):
        n = hdr(i)[0]
        names.append(data[stroff + n:data.index(b"\0", stroff + n)].decode())
    return names


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--store", help="a store to reuse (default: a throw-away one)")
    a = ap.parse_args()
    if not shutil.which("unshare") or run("unshare", "-r", "-m", "true").returncode != 0:
        print("skip: no unshare, or no user and mount namespaces")
        return SKIP
    t = tempfile.mkdtemp(prefix="bastion-fixup-live-")
    try:
        store = a.store or f"{t}/s"

        def build(attr):
            return run(a.bin, "nix-build", f"{HERE}/fixup.nix", "--store", store, "-A", attr,
                       "--no-out-link", timeout=3000)

        def ev(expr):
            r = run(a.bin, "nix-instantiate", "--eval", "--store", store, "-E",
                    f"with import {HERE}/fixup.nix; {expr}")
            return r.stdout.strip().strip('"')

        r = build("libdemo")
        if r.returncode != 0 and re.search(r"unable to download|Could not resolve|Connection refused|timed out", r.stderr):
            print("skip: the pinned archive is not reachable: " + r.stderr.strip()[-300:])
            return SKIP
        check(r.returncode == 0, "libdemo builds" + ("" if r.returncode == 0 else ": " + r.stderr.strip()[-600:]))
        if r.returncode != 0:
            return 1
        out, dev, man = (ev(f"libdemo.{o}.outPath") for o in ("out", "dev", "man"))
        check(r.stdout.strip() == out and dev.endswith("-libdemo-1.0-dev") and man.endswith("-libdemo-1.0-man"),
              f"libdemo.out, .dev, .man are its outputs: {out} {dev} {man}")
        S = lambda p: store + p
        check(os.path.isfile(S(f"{dev}/include/demo.h")) and not os.path.exists(S(f"{out}/include")),
              "include/ moved from out to dev")
        pc = open(S(f"{dev}/lib/pkgconfig/demo.pc")).read() if os.path.isfile(S(f"{dev}/lib/pkgconfig/demo.pc")) else ""
        check(f"includedir={dev}/include\n" in pc and f"prefix={out}\n" in pc
              and not os.path.exists(S(f"{out}/lib/pkgconfig")),
              "lib/pkgconfig moved to dev, its includedir patched to dev: " + pc.replace("\n", " | ")[:200])
        check(os.path.isfile(S(f"{man}/share/man/man1/demo.1")) and not os.path.exists(S(f"{out}/share/man")),
              "share/man moved to man")
        check(os.path.isfile(S(f"{out}/share/doc/libdemo/README")), "share/doc stays in out (no doc output)")
        prop = open(S(f"{dev}/nix-support/propagated-build-inputs")).read().split() \
            if os.path.isfile(S(f"{dev}/nix-support/propagated-build-inputs")) else []
        check(prop == [out], f"dev propagates out: {prop}")
        for f in ("bin/demo", "lib/libdemo.so"):
            secs = sections(S(f"{out}/{f}"))
            check(secs and ".debug_info" not in secs and ".text" in secs, f"{f} is stripped of .debug_info")
        first = open(S(f"{out}/bin/demo-script")).readline()
        check(first.startswith("#!/nix/store/") and first.rstrip().endswith("/bin/sh"),
              f"bin/demo-script's #! is patched into the store: {first.strip()}")

        r = build("libdemoUnstripped")
        check(r.returncode == 0, "libdemo with dontStrip builds" + ("" if r.returncode == 0 else ": " + r.stderr.strip()[-400:]))
        if r.returncode == 0:
            check(".debug_info" in sections(S(r.stdout.strip() + "/bin/demo")), "with dontStrip, .debug_info stays")

        r = build("use")
        check(r.returncode == 0, "a program on libdemo.dev, curl, openssl.dev and zlib1g-dev builds" +
              ("" if r.returncode == 0 else ": " + r.stderr.strip()[-800:]))
        if r.returncode == 0:
            use = r.stdout.strip()
            root = f"{t}/root"
            os.makedirs(f"{root}/nix")
            env = ev('"${(import <bastion/pkgs> { }).coreutils}/bin/env"')
            rr = run("unshare", "-r", "-m", "sh", "-c", 'mount --bind "$0" "$1/nix" && exec chroot "$1" "$2" LD_DEBUG=libs "$3"',
                     f"{store}/nix", root, env, f"{use}/bin/use", timeout=120)
            outl = rr.stdout
            check("demo: hello from libdemo\n" in outl and re.search(r"^curl: libcurl/\S+ OpenSSL/", outl, re.M)
                  and "sha256(abc)=ba7816bf" in outl and re.search(r"^zlib: 1\.", outl, re.M),
                  f"it runs chrooted into a root of only the store: {outl.strip()[:300]} {rr.stderr[-300:] if rr.returncode else ''}")
            inits = re.findall(r"calling init: (\S+)", rr.stderr)
            host = [p for p in inits if not p.startswith("/nix/store/")]
            check(inits and not host, f"every library initialised is under /nix/store ({len(inits)}, host: {host})")
            crypto = [p for p in inits if p.endswith("/libcrypto.so.3")]
            check(len(crypto) == 1 and "-libssl3-" in crypto[0] and "-unpacked" not in crypto[0],
                  f"libcrypto.so.3 from the relocated libssl3: {crypto}")
            rpath = run("patchelf", "--print-rpath", S(f"{use}/bin/use")).stdout.strip().split(":") \
                if shutil.which("patchelf") else None
            if rpath is not None:
                needed = run("patchelf", "--print-needed", S(f"{use}/bin/use")).stdout.split()
                check("libz.so.1" in needed and "libcurl.so.4" in needed and "libcrypto.so.3" in needed,
                      f"zlib, curl and OpenSSL linked as shared libraries: {needed}")
                check(not any("-dev-" in p or "debian-toolchain" in p for p in rpath) and len(rpath) <= 5,
                      f"its run path is shrunk to what it needs: {rpath}")
            closure = run(a.bin, "nix-store", "--store", store, "-qR", use).stdout.split()
            bad = [p for p in closure if "debian-toolchain" in p or re.search(r"-dev-\d", p)]
            check(closure and not bad, f"its closure ({len(closure)} paths) has no toolchain or -dev package: {bad}")
    finally:
        subprocess.run(["chmod", "-R", "u+w", t])
        shutil.rmtree(t, ignore_errors=True)
    print(f"{len(failures)} failed" if failures else "all passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
