#!/usr/bin/env python3
"""A build must not reach the caller's kernel keyrings.

  keyring.py --bin build/bastion --probe build/sandbox_keyring_probe

Keyrings are not namespaced: a builder that inherits its caller's session
keyring (as from a login set up by pam_keyinit) possesses it, so it can
read the caller's keys and add its own. This test starts itself in a fresh
session keyring (`keyctl session`, so it does not depend on the login),
plants a secret there, and runs `bastion nix-build` of a derivation whose
builder (keyring_probe.c, bind-mounted as /keyring-probe) tries to read
that key by its serial, find it by name, link it, and add a key of its own.
All of that must fail, the key must not even be listed in the builder's
/proc/keys (which shows the builder's own fresh session keyring), and afterwards the caller's session keyring must hold exactly
the secret it planted, still readable by the caller.

Exits 77 (skipped) without keyctl or without kernel keyrings.
"""
import argparse
import os
import secrets
import shutil
import subprocess
import sys
import tempfile

NIX = '''{ keyid }: derivation {
  name = "keyring-probe";
  system = "x86_64-linux";
  builder = "/keyring-probe";
  args = [ keyid ];
}
'''

failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def keyctl(*args):
    r = subprocess.run(["keyctl"] + list(args), capture_output=True, text=True)
    return r.returncode, r.stdout.strip(), r.stderr.strip()


def inner(args):
    secret = "bastion-secret-" + secrets.token_hex(8)
    code, serial, err = keyctl("add", "user", "bastion-test-secret", secret, "@s")
    if code != 0:
        print("SKIP: cannot add a key to the session keyring: " + err)
        return 77
    # The setup itself: the caller can read what it planted.
    check(keyctl("pipe", serial)[1] == secret, "the caller reads the key it planted (serial %s)" % serial)

    tmp = tempfile.mkdtemp(prefix="bastion-keyring-")
    os.chmod(tmp, 0o755)
    try:
        probe = tmp + "/keyring-probe"
        shutil.copy(args.probe, probe)
        os.chmod(probe, 0o755)
        with open(tmp + "/keyring.nix", "w") as f:
            f.write(NIX)
        store = tmp + "/store"
        r = subprocess.run([args.bin, "nix-build", "--store", store, "--option", "sandbox-paths",
                            "/keyring-probe=" + probe, "--argstr", "keyid", serial, "--no-out-link",
                            tmp + "/keyring.nix"], capture_output=True, text=True, timeout=300)
        check(r.returncode == 0, "the probe build succeeds (exit %d)\n%s" % (r.returncode, r.stderr[-2000:]))
        if r.returncode != 0:
            return 1
        with open(store + r.stdout.strip().splitlines()[-1]) as f:
            seen = f.read()
        print("     what the builder saw:\n       " + seen.strip().replace("\n", "\n       "))
        lines = seen.splitlines()
        result = {l.split()[0]: l.split()[1:] for l in lines if not l.startswith(" ")}
        for what in ("read-by-serial", "search-session", "add-session", "link-by-serial"):
            check(what in result and result[what][:1] != ["OK"],
                  "the builder's %s fails (%s)" % (what, " ".join(result.get(what, ["missing"]))))
        check(secret not in seen, "the secret does not reach the build's output")
        check("bastion-test-secret" not in seen, "the caller's key is not in the builder's /proc/keys")
        # Seen without a system call: the builder's own session keyring,
        # which the kernel names "_ses" when it makes one for a process.
        if "proc-keys" in result and not result["proc-keys"]:
            check(any(" keyring " in l and "_ses" in l for l in lines if l.startswith("  ")),
                  "the builder's /proc/keys shows a fresh session keyring of its own")
        code, listed, _ = keyctl("rlist", "@s")
        check(code == 0 and listed.split() == [serial],
              "the caller's session keyring holds only its own key afterwards (%r)" % listed)
        check(keyctl("search", "@s", "user", "bastion-builder-key")[0] != 0,
              "no key of the builder's in the caller's session keyring")
        check(keyctl("pipe", serial)[1] == secret, "the caller's key is intact")
    finally:
        subprocess.run(["chmod", "-R", "u+w", tmp], capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d failure(s)" % len(failures))
    return 1 if failures else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--probe", required=True)
    ap.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.inner:
        return inner(args)
    if not shutil.which("keyctl"):
        print("SKIP: keyctl (keyutils) not found")
        return 77
    # A session keyring of the test's own, whatever the login gave it.
    cmd = ["keyctl", "session", "bastion-keyring-test", sys.executable, os.path.abspath(__file__), "--inner",
           "--bin", os.path.abspath(args.bin), "--probe", os.path.abspath(args.probe)]
    r = subprocess.run(cmd)
    if r.returncode not in (0, 1, 77):
        # keyctl itself failed, e.g. a kernel without keyrings (ENOSYS).
        probe = subprocess.run(["keyctl", "show", "@s"], capture_output=True, text=True)
        if probe.returncode != 0:
            print("SKIP: no kernel keyrings here: " + probe.stderr.strip())
            return 77
    return r.returncode


if __name__ == "__main__":
    sys.exit(main())
