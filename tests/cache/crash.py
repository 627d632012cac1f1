#!/usr/bin/env python3
"""Crash test of binary caches (ctest cache.crash): `bastion nix-copy --to
file://` and substitution (`nix-copy --from`) killed with SIGKILL at seeded
random moments. After each kill:

  copy   the cache holds only nix-cache-info, narinfos, nar/ files, log/ and
         unnamed writers' .tmp-* leftovers that no narinfo names; every
         narinfo's NAR exists with its FileSize and FileHash; every path
         with a narinfo substitutes into a fresh store (NarHash, NarSize,
         signatures and closure checked), which then verifies clean; a
         re-run completes, leaving the narinfos and their NARs already
         there untouched (no re-upload) and saying it copies only the rest.
  subst  the store verifies clean (Bastion's and Nix 2.8's --verify
         --check-contents); an entry under a final name that is not valid
         (killed between rename and registration) is complete, its NAR hash
         the narinfo's; a re-run completes and the closure is valid.

Usage: crash.py --bin build/bastion [--rounds 20] [--seed N]
"""
import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Tools, bt, narinfo_fields  # noqa: E402

report = bt.Report(show_ok=False)

EXPR = r'''{ n ? 60, lines ? 8000, tag ? "a" }:
let
  big = i: builtins.concatStringsSep "\n" (builtins.genList (j:
    "${tag} file ${toString i} line ${toString j} ${builtins.hashString "sha256" "${tag}${toString i}-${toString j}"}") lines);
  f = i: builtins.toFile "crash-${tag}-${toString i}" ((if i == 0 then "" else "${f (i - 1)}\n") + big i);
in derivation { name = "crash-top-${tag}"; system = builtins.currentSystem; builder = "/bin/sh";
  args = [ "-c" "echo ${f (n - 1)} > $out" ]; }
'''


def show(r):
    return "rc=%s\nstderr: %s" % (r.status, r.err[-3000:])


def killed_run(cmd, env, delay):
    """Starts cmd, SIGKILLs it after delay seconds (if still running);
    returns True when it was killed."""
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        p.wait(timeout=delay)
        return False
    except subprocess.TimeoutExpired:
        p.send_signal(signal.SIGKILL)
        p.wait()
        return True


def cache_state(cache):
    """name -> (inode, mtime_ns) of the narinfos and the NARs they name:
    the paths done (a NAR without its narinfo is not, and is rewritten)."""
    out = {}
    if not os.path.isdir(cache):  # killed before it made the cache directory
        return out
    for n in os.listdir(cache):
        if not n.endswith(".narinfo"):
            continue
        p = os.path.join(cache, n)
        with open(p) as f:
            nar = os.path.join(cache, narinfo_fields(f.read())["URL"][0])
        for q in (p, nar):
            st = os.stat(q)
            out[os.path.relpath(q, cache)] = (st.st_ino, st.st_mtime_ns)
    return out


def check_cache(t, w, cache, pub, what):
    strays, narinfos = [], []
    # A copy killed before it made the cache directory left nothing to check.
    for n in os.listdir(cache) if os.path.isdir(cache) else []:
        p = os.path.join(cache, n)
        if n.endswith(".narinfo"):
            narinfos.append(n)
        elif n in ("nix-cache-info", "nar", "log", "realisations") or n.startswith(".tmp-"):
            pass
        else:
            strays.append(n)
    for n in os.listdir(os.path.join(cache, "nar")) if os.path.isdir(cache + "/nar") else []:
        if not (n.endswith(".nar.zst") or n.endswith(".nar.xz") or n.endswith(".nar")):
            strays.append("nar/" + n)
    if not report.check(not strays, "%s: only cache files in the cache" % what, repr(strays)):
        return False
    paths, bad = [], []
    for n in narinfos:
        with open(os.path.join(cache, n)) as f:
            ni = narinfo_fields(f.read())
        if "StorePath" not in ni or "URL" not in ni:
            bad.append(n + ": incomplete narinfo")
            continue
        paths.append(ni["StorePath"][0])
        nar = os.path.join(cache, ni["URL"][0])
        if not os.path.isfile(nar):
            bad.append(n + ": no " + ni["URL"][0])
            continue
        if ni.get("FileSize") != [str(os.path.getsize(nar))]:
            bad.append(n + ": FileSize %s, file %d" % (ni.get("FileSize"), os.path.getsize(nar)))
            continue
        r = t.bas("nix-hash", "--type", "sha256", "--flat", "--base32", nar)
        if ni.get("FileHash") != ["sha256:" + r.out.strip()]:
            bad.append(n + ": FileHash %s, file %s" % (ni.get("FileHash"), r.out.strip()))
    if not report.check(not bad, "%s: every narinfo's NAR is complete (FileSize, FileHash)" % what,
                        "\n".join(bad)):
        return False
    if not paths:
        return True
    fresh = os.path.join(w, "fresh")
    bt.remove_tree(fresh)
    r = t.bas("nix-copy", "--store", fresh, "--from", "file://" + cache, *paths,
              "--option", "trusted-public-keys", pub)
    ok = report.check(r.rc == 0, "%s: all %d paths with a narinfo substitute (NarHash, Sig, "
                      "closure)" % (what, len(paths)), show(r))
    r = t.bas("nix-store", "--store", fresh, "--verify", "--check-contents")
    ok &= report.check(r.rc == 0 and "error" not in r.err,
                       "%s: what came from the cache verifies" % what, show(r))
    bt.remove_tree(fresh)
    return ok


def nar_hashes(cache):
    """store path -> NarHash of every narinfo in cache."""
    out = {}
    for n in os.listdir(cache):
        if n.endswith(".narinfo"):
            with open(os.path.join(cache, n)) as f:
                ni = narinfo_fields(f.read())
            out[ni["StorePath"][0]] = ni["NarHash"][0]
    return out


def check_store(t, store, what, hashes):
    r = t.bas("nix-store", "--store", store, "--verify", "--check-contents")
    ok = report.check(r.rc == 0 and "error" not in r.err, "%s: bastion --verify clean" % what,
                      show(r))
    if t.nix_store:
        r, bad = bt.nix_verify(t.nix_store, store)
        ok &= report.check(r.rc == 0 and not bad, "%s: Nix --verify clean" % what, show(r))
    entries = bt.store_paths(store)
    invalid = t.bas("nix-store", "--store", store, "--check-validity", "--print-invalid",
                    *entries).out.split() if entries else []
    # Killed between its rename and its registration, a path is complete
    # but not yet valid (as in Nix: the next add of it replaces it);
    # anything under a final name must be complete.
    partial = []
    for p in invalid:
        r = t.bas("nix-hash", "--type", "sha256", "--base32", store + p)
        if "sha256:" + r.out.strip() != hashes.get(p):
            partial.append(p)
    ok &= report.check(not partial, "%s: no partial path under its final name (%d complete "
                       "unregistered)" % (what, len(invalid) - len(partial)), repr(partial))
    return ok


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--seed", type=int)
    ap.add_argument("--keep", action="store_true")
    a = ap.parse_args()
    seed = a.seed if a.seed is not None else random.randrange(1 << 30)
    print("seed %d" % seed, flush=True)
    rng = random.Random(seed)
    with bt.work_dir("bastion-cache-crash-", keep=a.keep, real=True) as w:
        t = Tools(os.path.abspath(a.bin), w)
        expr = os.path.join(w, "crash.nix")
        bt.write_file(expr, EXPR)
        sec, pub = t.keys("crashkey")
        src = os.path.join(w, "src")
        r = t.bas("nix-instantiate", "--store", src, expr)
        if not report.check(r.rc == 0, "instantiate the fixture (61 paths)", show(r)):
            return report.summary()
        drv = r.out.split()[-1]
        closure = t.bas("nix-store", "--store", src, "-qR", drv).out.split()
        t.bas("store", "sign", "--store", src, "--key-file", sec, "-r", drv)
        copy = [t.bastion, "nix-copy", "--store", src, "-r", drv, "--to"]
        # How long each takes uninterrupted: the kills fall within it.
        full = os.path.join(w, "full")
        start = time.monotonic()
        r = t.bas(*copy[1:], "file://" + full)
        copy_time = time.monotonic() - start
        report.check(r.rc == 0, "an uninterrupted copy", show(r))
        subst = [t.bastion, "nix-copy", "--from", "file://" + full, drv,
                 "--option", "trusted-public-keys", pub, "--store"]
        start = time.monotonic()
        r = t.bas(*subst[1:], os.path.join(w, "s0"))
        subst_time = time.monotonic() - start
        report.check(r.rc == 0, "an uninterrupted substitution", show(r))
        print("copy %.2fs, substitution %.2fs" % (copy_time, subst_time), flush=True)
        hashes = nar_hashes(full)
        cache = store = None
        kills = resumes = 0
        for rnd in range(a.rounds):
            if rnd % 2 == 0:
                if cache is None or rng.random() < 0.3:
                    cache = os.path.join(w, "cache%d" % rnd)
                what = "round %d copy" % rnd
                delay = rng.uniform(0, copy_time)
                kills += killed_run(copy + ["file://" + cache], t.benv, delay)
                if not check_cache(t, w, cache, pub, what + " (killed at %.3fs)" % delay):
                    break
                before = cache_state(cache)
                done = sum(1 for n in before if n.endswith(".narinfo"))
                r = t.bas(*copy[1:], "file://" + cache)
                after = cache_state(cache)
                changed = [n for n in before if after.get(n) != before[n]]
                report.check(r.rc == 0 and not changed,
                             "%s: the re-run completes and rewrites none of the %d files there" %
                             (what, len(before)), show(r) + "\nchanged: %r" % changed)
                left = len(closure) - done
                said = ("copying %d paths" % left) if left else None
                report.check(said is None or said in r.err or (left == 1 and "copying 1 path"
                                                               in r.err),
                             "%s: the re-run copies only the %d missing paths" % (what, left),
                             r.err[:300])
                resumes += done > 0
                check_cache(t, w, cache, pub, what + " (re-run)")
            else:
                if store is None or rng.random() < 0.4:
                    store = os.path.join(w, "store%d" % rnd)
                what = "round %d substitution" % rnd
                delay = rng.uniform(0, subst_time)
                kills += killed_run(subst + [store], t.benv, delay)
                if not check_store(t, store, what + " (killed at %.3fs)" % delay, hashes):
                    break
                r = t.bas(*subst[1:], store)
                report.check(r.rc == 0, "%s: the re-run completes" % what, show(r))
                check_store(t, store, what + " (re-run)", hashes)
                missing = [p for p in closure
                           if t.bas("nix-store", "--store", store, "--check-validity", p).rc]
                report.check(not missing, "%s: the whole closure is valid" % what, repr(missing))
        print("%d of %d rounds killed their command; %d copies resumed a partial cache" %
              (kills, a.rounds, resumes), flush=True)
        report.check(kills > 0, "at least one command was killed before it finished")
    return report.summary()


if __name__ == "__main__":
    sys.exit(main())
