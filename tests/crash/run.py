#!/usr/bin/env python3
"""Crash test: builds, instantiations and garbage collections killed with
SIGKILL at random moments must never leave the store inconsistent.

Each round starts one of

  bastion nix-build --store S -j 2 crash.nix --argstr round N   (new builds)
  bastion nix-instantiate --store S crash.nix --argstr round N
  bastion nix-store --store S --gc                             (after dropping roots)

kills it after a random delay, and then requires that

  * `bastion nix-store --verify --check-contents` finds nothing wrong, and
    so does Nix 2.8's when it is installed (every registered path exists
    with the registered NAR hash: no invalid path is registered);
  * the store can still be used: the same build, run to completion, works
    and its outputs verify;
  * nothing of the killed command lives on: within two seconds no process
    names the store on its command line (a builder's child cloned before
    its exec, say, waiting for a parent that is gone).
"""
import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import bastion_test as bt  # noqa: E402

EXPR = r'''
{ round }:
let
  mk = i: derivation {
    name = "crash-${round}-${toString i}";
    system = "x86_64-linux";
    builder = "/bin/sh";
    args = [ "-c" ''
      mkdir -p $out/sub
      i=0
      while [ $i -lt 200 ]; do echo "line $i of ${round}" >> $out/sub/file; i=$((i+1)); done
      echo ${dep} > $out/dep
    '' ];
  };
  dep = derivation {
    name = "crash-dep-${round}";
    system = "x86_64-linux";
    builder = "/bin/sh";
    args = [ "-c" "echo ${round} > $out" ];
  };
in map mk [ 1 2 3 4 5 6 ]
'''


def verify(args, store):
    problems = []
    p = bt.run([args.bin, "nix-store", "--store", store, "--verify", "--check-contents"], text=True)
    if p.rc != 0:
        problems.append("bastion --verify --check-contents: exit %s\n%s" % (p.rc, p.err))
    if args.nix_store:
        p, bad = bt.nix_verify(args.nix_store, store)
        if p.rc != 0 or bad:
            problems.append("nix --verify --check-contents: exit %s\n%s" % (p.rc, p.err))
    return problems


def survivors(store):
    """Pids of processes whose command line names `store`, other than ours."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                if store.encode() in f.read():
                    found.append(int(pid))
        except OSError:
            pass
    return found


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--rounds", type=int, default=40)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--nix-store", default=shutil.which("nix-store"))
    ap.add_argument("--busybox", default=bt.busybox())
    args = ap.parse_args()
    args.bin = os.path.abspath(args.bin)
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    print("seed %d" % seed)
    report = bt.Report(show_ok=False)
    kinds = {"build": 0, "instantiate": 0, "gc": 0}
    with bt.work_dir("bastion-crash-") as tmp:
        store = os.path.join(tmp, "store")
        expr = os.path.join(tmp, "crash.nix")
        bt.write_file(expr, EXPR)
        build = ([args.bin, "nix-build", "--store", store] + bt.bastion_sandbox_options(args.busybox)
                 + ["-j", "2", "-Q", expr])
        for n in range(args.rounds):
            kind = rng.choice(["build", "build", "instantiate", "gc"])
            kinds[kind] += 1
            rnd = "r%d" % rng.randrange(6)  # rounds repeat, so some builds meet leftovers
            if kind == "build":
                cmd = build + ["--argstr", "round", rnd, "-o", os.path.join(tmp, "result-" + rnd)]
            elif kind == "instantiate":
                cmd = [args.bin, "nix-instantiate", "--store", store, expr, "--argstr", "round", rnd]
            else:
                for l in os.listdir(tmp):
                    if l.startswith("result-") and rng.random() < 0.5:
                        os.unlink(os.path.join(tmp, l))
                cmd = [args.bin, "nix-store", "--store", store, "--gc"]
            proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tmp)
            time.sleep(rng.uniform(0, 0.4))
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            deadline = time.monotonic() + 2
            while survivors(store) and time.monotonic() < deadline:
                time.sleep(0.05)
            left = survivors(store)
            for pid in left:
                os.kill(pid, signal.SIGKILL)
            problems = verify(args, store)
            if left:
                problems.append("processes outlived the killed command: %s" % left)
            report.check(not problems, "round %d (%s, killed): the store is consistent" % (n, kind),
                         "\n".join(problems))
        # After all that, the store still works: build to completion and verify.
        p = bt.run(build + ["--argstr", "round", "final", "--no-out-link"], cwd=tmp, text=True)
        report.check(p.rc == 0, "the final build succeeds", p.err)
        problems = verify(args, store)
        report.check(not problems, "the store verifies after the final build", "\n".join(problems))
    print("%d rounds (%s), %d inconsistent; seed %d" %
          (args.rounds, ", ".join("%s %d" % kv for kv in kinds.items()), report.failed, seed))
    return report.summary()


if __name__ == "__main__":
    sys.exit(main())
