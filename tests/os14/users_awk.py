#!/usr/bin/env python3
"""os14.users: nix/modules/config/update-users-groups.awk, the id rules of the
`users` activation snippet, run with busybox's awk (the one a test system
has) on a throw-away state directory, generation after generation:
fresh ids (groups and system users from 999 down, normal users from 1000
up), declared ids kept, ids kept when users are added and removed, a
removed user's id not handed to another and revived when it comes back,
users.mutableUsers = false dropping undeclared entries and true keeping
them (but not ones declared before).

    users_awk.py
"""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import bastion_test as bt  # noqa: E402

AWK = os.path.join(HERE, "..", "..", "nix", "modules", "config", "update-users-groups.awk")


def spec(users, groups):
    lines = ["g:%s:%s:%s" % g for g in groups]
    lines += ["u:%s:%s:%s:%s::/home/%s:/bin/sh" % (n, uid, sys_, grp, n) for n, uid, sys_, grp in users]
    return "\n".join(lines) + "\n"


class State:
    def __init__(self, work):
        self.dir = work
        self.n = 0

    def run(self, users, groups, mutable=False, edit=None):
        """Runs one activation; returns ({user: uid}, {group: gid}, rc, stderr)."""
        if edit:
            edit(self.dir)
        self.n += 1
        specf = os.path.join(self.dir, "spec%d" % self.n)
        with open(specf, "w") as f:
            f.write(spec(users, groups))
        out = os.path.join(self.dir, "out%d" % self.n)
        os.mkdir(out)
        st = lambda n: os.path.join(self.dir, n)  # noqa: E731
        r = subprocess.run([bt.busybox(), "awk", "-v", "spec=" + specf, "-v", "passwd=" + st("passwd"),
                            "-v", "group=" + st("group"), "-v", "uidmapFile=" + st("uid-map"),
                            "-v", "gidmapFile=" + st("gid-map"), "-v", "declUFile=" + st("declarative-users"),
                            "-v", "declGFile=" + st("declarative-groups"), "-v", "mutable=%d" % mutable,
                            "-v", "out=" + out, "-f", AWK], capture_output=True, text=True)
        if r.returncode == 0:
            for n in ("passwd", "group", "uid-map", "gid-map", "declarative-users", "declarative-groups"):
                os.replace(os.path.join(out, n), st(n))
        ids = lambda n: dict((l.split(":")[0], int(l.split(":")[2])) for l in open(st(n)) if l.strip())  # noqa: E731,E741
        return ids("passwd"), ids("group"), r.returncode, r.stderr


def main():
    rep = bt.Report()
    with bt.work_dir("bastion-os14-users-") as work:
        s = State(work)
        groups = [("root", "0", ""), ("users", "100", "alice,bob"), ("svc", "", ""), ("wheel", "1", "alice")]
        base = [("root", "0", "0", "root"), ("alice", "", "0", "users"), ("bob", "", "0", "users"),
                ("svc", "", "1", "svc")]
        u, g, rc, err = s.run(base, groups)
        rep.check(rc == 0 and u == {"root": 0, "alice": 1000, "bob": 1001, "svc": 999},
                  "fresh: normal users from 1000 up, system users from 999 down", "%s %s" % (u, err))
        rep.check(g == {"root": 0, "users": 100, "svc": 999, "wheel": 1}, "fresh: declared gids, others from 999 down", str(g))
        grp = dict((l.split(":")[0], l.strip()) for l in open(os.path.join(work, "group")))
        pw = dict((l.split(":")[0], l.strip()) for l in open(os.path.join(work, "passwd")))
        rep.check(grp["users"] == "users:x:100:alice,bob" and pw["svc"] == "svc:x:999:999::/home/svc:/bin/sh",
                  "lines: members, the primary group's gid", "%s / %s" % (grp["users"], pw["svc"]))

        u, g, rc, _ = s.run([("aaron", "", "0", "users")] + base, groups)
        rep.check(u.get("aaron") == 1002 and u["alice"] == 1000 and u["bob"] == 1001,
                  "a user sorting first gets a fresh uid, the others keep theirs", str(u))
        u, g, rc, _ = s.run([b for b in base if b[0] != "alice"] + [("aaron", "", "0", "users")], groups)
        rep.check("alice" not in u and u["bob"] == 1001 and u["aaron"] == 1002, "a removed user is gone", str(u))
        without_alice = [b for b in base if b[0] != "alice"] + [("aaron", "", "0", "users")]
        u, g, rc, _ = s.run(without_alice + [("carol", "", "0", "users")], groups)
        rep.check(u["carol"] == 1003 and 1000 not in u.values(), "a removed user's uid is not handed to a new one", str(u))
        u, g, rc, err = s.run(without_alice + [("carol", "", "0", "users"), ("alice", "", "0", "users")], groups)
        rep.check(u["alice"] == 1000 and "reviving user 'alice' with UID 1000" in err,
                  "the removed user comes back with its uid", "%s %s" % (u, err))

        def add_mallory(d):
            with open(os.path.join(d, "passwd"), "a") as f:
                f.write("mallory:x:0:0::/root:/bin/sh\n")
        u, g, rc, _ = s.run(base, groups, mutable=False, edit=add_mallory)
        rep.check("mallory" not in u and "aaron" not in u, "mutableUsers = false: only declared users", str(u))
        u, g, rc, _ = s.run(base, groups, mutable=True, edit=add_mallory)
        rep.check(u.get("mallory") == 0, "mutableUsers = true: a user added by hand is kept", str(u))
        u, g, rc, _ = s.run([b for b in base if b[0] != "bob"], groups, mutable=True)
        rep.check("bob" not in u and "mallory" in u, "mutableUsers = true: a user no longer declared is removed", str(u))
        u, g, rc, _ = s.run(base, [("root", "0", ""), ("users", "100", ""), ("svc", "", ""), ("wheel", "1", ""),
                                   ("zz", "", "")])
        rep.check(g["zz"] == 998 and g["svc"] == 999, "a new group gets a fresh gid, svc keeps its own", str(g))
    return rep.summary()


if __name__ == "__main__":
    sys.exit(main())
