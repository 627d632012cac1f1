#!/usr/bin/env python3
"""debian.usr.users.live: pkgs.debian.usr's system users and groups, from the
pinned archive in a throw-away store: dbus (messagebus, declared by
dbus-system-bus-common's sysusers.d file; its postinst's adduser names a
shell variable and is not read) and openssh-server (sshd, from the literal
`adduser --system` line of its postinst), in nix-support/sysusers.json and
as users.users / users.groups attributes (`.sysusers`, read from the built
tree). Skips (77) when the pinned archive cannot be reached."""
import argparse, json, re, shutil, subprocess, sys, tempfile

SKIP = 77
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def run(*args, **kw):
    return subprocess.run(list(args), capture_output=True, text=True, **kw)


USR = "(let pkgs = import <bastion/pkgs> { }; in pkgs.debian.usr { packages = [ pkgs.dbus pkgs.openssh-server ]; })"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--store", help="a store to reuse (default: a throw-away one)")
    a = ap.parse_args()
    t = tempfile.mkdtemp(prefix="bastion-usr-users-")
    try:
        store = a.store or f"{t}/s"
        r = run(a.bin, "nix-build", "--store", store, "-E", USR, "--no-out-link", timeout=1800)
        if r.returncode != 0 and re.search(r"unable to download|Could not resolve|Connection refused|timed out", r.stderr):
            print("skip: the pinned archive is not reachable: " + r.stderr.strip()[-300:])
            return SKIP
        check(r.returncode == 0, "debian.usr { packages = [ dbus openssh-server ]; } builds"
              + ("" if r.returncode == 0 else ": " + r.stderr.strip()[-500:]))
        if r.returncode != 0:
            return 1
        o = store + r.stdout.strip()
        data = json.load(open(f"{o}/nix-support/sysusers.json"))
        users, groups = data["users"], data["groups"]
        mb = users.get("messagebus", {})
        check(mb.get("package") == "dbus-system-bus-common" and mb.get("source") == "sysusers"
              and mb.get("description") == "System Message Bus" and mb.get("group") == "messagebus"
              and mb.get("uid") is None, f"messagebus from dbus-system-bus-common's sysusers.d: {mb}")
        check(groups.get("messagebus", {}).get("source") == "sysusers", "and its group messagebus")
        sshd = users.get("sshd", {})
        check(sshd.get("package") == "openssh-server" and sshd.get("source") == "postinst"
              and sshd.get("home") == "/run/sshd" and sshd.get("shell") == "/usr/sbin/nologin"
              and sshd.get("group") == "nogroup", f"sshd from openssh-server's adduser --system line: {sshd}")
        check(sorted(users) == sorted(set(users)) and all(u.get("source") in ("sysusers", "postinst") for u in users.values()),
              f"every user says where it was declared: {sorted(users)}")

        # Import from derivation: --read-write-mode, as Nix 2.8's --eval needs
        # for it (otherwise the .drv is only computed, not written).
        def ev(attr):
            e = run(a.bin, "nix-instantiate", "--eval", "--strict", "--json", "--read-write-mode", "--store", store, "-E",
                    f"{USR}.sysusers.{attr}", timeout=600)
            return json.loads(e.stdout) if e.returncode == 0 else "error: " + e.stderr.strip()[-300:]

        got = ev("users.sshd")
        check(got == {"isSystemUser": True, "group": "nogroup", "description": "", "home": "/run/sshd",
                      "shell": "/usr/sbin/nologin"}, f"(debian.usr …).sysusers.users.sshd as users.users takes it: {got}")
        got = ev("users.messagebus")
        check(isinstance(got, dict) and got.get("isSystemUser") is True and got.get("group") == "messagebus"
              and "uid" not in got, f".sysusers.users.messagebus: {got}")
        got = ev("groups")
        check(isinstance(got, dict) and "messagebus" in got and "nogroup" in got, f".sysusers.groups names messagebus and nogroup: {str(got)[:200]}")
    finally:
        subprocess.run(["chmod", "-R", "u+w", t])
        shutil.rmtree(t, ignore_errors=True)
    print(f"{len(failures)} failed" if failures else "all passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
