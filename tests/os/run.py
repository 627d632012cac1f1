#!/usr/bin/env python3
"""bastion os eval/options/build on the seed-modelled configurations (ctest os.*).

Each seed of tests/os/services/ (talk, meeka, impermanence) is used as a user
would, through `bastion os`, with the hermetic package set tests/os/pkgs.nix
given by a wrapper configuration (nixpkgs.pkgs), in throw-away stores:

  build    `os build -c FILE --store DIR` prints the toplevel; it holds etc/
           with the files the issue lists, sw, activate, nixos-version,
           kernel-params; -o makes the link; the time of `os eval` of each
           seed is printed (not asserted)
  users    the users activation snippet run in a root holding the toplevel
           (private mount namespace, the store bind-mounted at ROOT/nix):
           pwck -r -R ROOT and grpck -r -R ROOT accept passwd/group/shadow;
           no password hash in the store
  units    systemd-analyze verify --root of every generated .service with
           empty stderr (the root has the host's own systemd units, as a
           system has its systemd's)
  errors   error texts against Nix 2.8 evaluating the same configuration
           with ../shared/reference/nixpkgs-lib: an undeclared option (Did
           you mean), a type error, conflicting definitions, failed
           assertions; exit code 1; a missing -c file
  options  `os options --json` lists the seeds' options with their types,
           defaults and declaring files; `os eval --json OPTION`

  tests/os/run.py --bin build/bastion [--only build|users|units|errors|options]
"""
import argparse, json, os, re, shlex, shutil, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tests", "lib"))
import bastion_test as bt  # noqa: E402

SVC = os.path.join(HERE, "services")
PKGS = os.path.join(HERE, "pkgs.nix")
EVAL_CONFIG = os.path.join(REPO, "nix", "os", "eval-config.nix")
NIXPKGS_LIB = os.path.normpath(os.path.join(REPO, "..", "shared", "reference", "nixpkgs-lib"))
SEEDS = {
    "talk": os.path.join(SVC, "talk.nix"),
    "meeka": os.path.join(SVC, "meeka", "default.nix"),
    "impermanence": os.path.join(SVC, "impermanence.nix"),
}
# What every seed's etc/ must hold (the issue's list).
ETC = ["ssh/sshd_config", "sudoers", "nftables.conf", "fstab", "hostname",
       "hosts", "passwd", "group", "pam.d/sshd", "pam.d/sudo", "pam.d/login"]
# security.audit is on in meeka only (NixOS: no audit.rules when it is off).
ETC_OF = {"meeka": ["audit/audit.rules"]}
SERVICES = {"talk": ["sshd", "nextcloud", "docker"], "meeka": ["sshd", "auditd", "website"],
            "impermanence": ["sshd"]}


class Ctx:
    def __init__(self, bastion, work):
        self.bastion = bastion
        self.work = work
        self.store = os.path.join(work, "store")
        self.env = dict(os.environ, MYSQL_ROOT_PASSWORD="root-secret-of-the-test",
                        MYSQL_PASSWORD="secret-of-the-test")
        self.env.pop("NIX_PATH", None)
        self.env.pop("BASTION_CONFIG", None)
        self.built = {}

    def config(self, name, seed=None, extra=""):
        """A configuration.nix importing the seed, with the test package set."""
        path = os.path.join(self.work, name + ".nix")
        imports = " ".join(x for x in [seed or "", extra and "./%s-extra.nix" % name] if x)
        if extra:
            bt.write_file(os.path.join(self.work, name + "-extra.nix"), extra)
        bt.write_file(path, "{ imports = [ %s ]; nixpkgs.pkgs = import %s { }; }\n" % (imports, PKGS))
        return path

    def os(self, *args, timeout=600):
        return bt.run([self.bastion, "os"] + list(args), env=self.env, text=True, timeout=timeout,
                      cwd=self.work)

    def real(self, path):
        """A /nix/store path (or one inside it, through its links) on disk."""
        for _ in range(40):
            if path.startswith("/nix/store/"):
                parts = path[len("/nix/store/"):].split("/")
                cur = os.path.join(self.store, "nix", "store", parts[0])
                for i, p in enumerate(parts[1:]):
                    cur = os.path.join(cur, p)
                    if os.path.islink(cur):
                        t = os.readlink(cur)
                        rest = "/".join(parts[i + 2:])
                        if t.startswith("/"):
                            path = t + ("/" + rest if rest else "")
                            break
                        cur = os.path.normpath(os.path.join(os.path.dirname(cur), t))
                else:
                    return cur
            else:
                return path
        raise RuntimeError("too many links at " + path)

    def build(self, rep, name):
        if name in self.built:
            return self.built[name]
        cfg = self.config(name, SEEDS[name])
        r = self.os("build", "-c", cfg, "--store", self.store, "-o", os.path.join(self.work, name + "-result"),
                    *bt.bastion_sandbox_options())
        top = r.out.strip() if r.rc == 0 else None
        rep.check(top is not None and top.startswith("/nix/store/") and top.endswith("-25.11.bastion"),
                  "build %s: os build prints the toplevel" % name, bt.show(r))
        self.built[name] = top
        return top


def check_build(rep, c):
    for name in SEEDS:
        top = c.build(rep, name)
        if not top:
            continue
        link = os.path.join(c.work, name + "-result")
        rep.check(os.path.islink(link) and os.readlink(link) == top, "build %s: -o makes the link" % name)
        rep.check(os.path.basename(top)[33:].startswith("nixos-system-"),
                  "build %s: named nixos-system-<host>-<version>" % name, top)
        etc = ETC + ETC_OF.get(name, [])
        missing = [f for f in etc if not os.path.isfile(c.real(top + "/etc/" + f))]
        rep.check(missing == [], "build %s: etc/ holds %s" % (name, " ".join(etc)), "missing: %s" % missing)
        units = [s for s in SERVICES[name]
                 if not os.path.isfile(c.real(top + "/etc/systemd/system/%s.service" % s))]
        rep.check(units == [], "build %s: etc/systemd/system has %s" % (name, ", ".join(SERVICES[name])),
                  "missing: %s" % units)
        act = c.real(top + "/activate")
        rep.check(os.access(act, os.X_OK) and top in open(act).read() and "@out@" not in open(act).read(),
                  "build %s: activate is executable and names its toplevel" % name)
        rep.check(os.path.isdir(c.real(top + "/sw/bin")), "build %s: sw/bin (environment.systemPackages)" % name)
        version = open(c.real(top + "/nixos-version")).read()
        rep.check(version == "25.11.bastion", "build %s: nixos-version" % name, version)
        if name == "meeka":
            params = open(c.real(top + "/kernel-params")).read()
            rep.check("audit=1" in params.split(), "build meeka: kernel-params has audit=1", params)
            sshd = open(c.real(top + "/etc/ssh/sshd_config")).read()
            rep.check("PasswordAuthentication no" in sshd, "build meeka: sshd_config is the hardened one")
    # The same system from Nix 2.8 with nixpkgs' lib: the toplevel's .drv is
    # the same file (every option value, unit text and etc entry agree).
    nix = shutil.which("nix-instantiate")
    if nix and os.path.isdir(NIXPKGS_LIB):
        for name in SEEDS:
            cfg = c.config(name, SEEDS[name])
            ours = c.os("eval", "-c", cfg, "--json", "system.build.toplevel.drvPath", "--store", c.store)
            expr = ("(import %s { lib = import %s; configuration = %s; }).config.system.build.toplevel.drvPath"
                    % (EVAL_CONFIG, NIXPKGS_LIB, cfg))
            theirs = bt.run([nix, "--eval", "--json", "--store", os.path.join(c.work, "nix-store"), "-E", expr],
                            env=bt.nix_env(c.env), text=True, timeout=300)
            rep.check(ours.rc == 0 and theirs.rc == 0 and json.loads(ours.out) == json.loads(theirs.out),
                      "build %s: the toplevel .drv is Nix 2.8 + nixpkgs lib's" % name,
                      "ours %s\ntheirs %s" % (bt.show(ours), bt.show(theirs)))
    # system.copySystemConfiguration: the configuration file itself in the toplevel.
    cfg = c.config("copy", SEEDS["meeka"], extra="{ system.copySystemConfiguration = true; }")
    r = c.os("build", "-c", cfg, "--store", c.store, "--no-out-link", *bt.bastion_sandbox_options())
    if rep.check(r.rc == 0, "build: copySystemConfiguration builds", bt.show(r)):
        copied = c.real(r.out.strip() + "/configuration.nix")
        rep.check(os.path.isfile(copied) and open(copied).read() == open(cfg).read(),
                  "build: copySystemConfiguration puts the configuration file into the toplevel")
    # The second build of one configuration builds nothing and gives the same path.
    cfg = os.path.join(c.work, "meeka.nix")
    r = c.os("build", "-c", cfg, "--store", c.store, "--no-out-link", *bt.bastion_sandbox_options())
    rep.check(r.rc == 0 and r.out.strip() == c.built.get("meeka"), "build meeka again: the same toplevel",
              bt.show(r))
    # BASTION_CONFIG is -c's default.
    env = dict(c.env, BASTION_CONFIG=cfg)
    r = bt.run([c.bastion, "os", "eval", "--json", "networking.hostName", "--store", c.store], env=env,
               text=True, timeout=120)
    rep.check(r.rc == 0 and json.loads(r.out) == "meeka", "os eval: -c defaults to $BASTION_CONFIG", bt.show(r))
    # Eval times (printed, see bench/README.md).
    for name in SEEDS:
        cfg = c.config(name, SEEDS[name])
        t0 = time.monotonic()
        r = c.os("eval", "-c", cfg, "--json", "--store", c.store)
        wall = time.monotonic() - t0
        ok = rep.check(r.rc == 0 and isinstance(json.loads(r.out or "null"), dict),
                       "os eval --json %s: the whole configuration as JSON" % name, bt.show(r))
        if ok:
            print("     os eval %s: %.3f s wall" % (name, wall))
    return True


def in_root(c, top, script):
    """Runs script (sh) with $ROOT a root holding the toplevel: the store
    bind-mounted at ROOT/nix in a private mount namespace, run/current-system
    pointing at the toplevel, the directories a root's layout has."""
    root = os.path.join(c.work, "root-" + os.path.basename(top)[:8])
    if os.path.exists(root):
        bt.remove_tree(root)
    for d in ("nix", "dev", "run", "root", "var/empty", "etc", "home", "tmp"):
        os.makedirs(os.path.join(root, d), exist_ok=True)
    os.symlink(top, os.path.join(root, "run", "current-system"))
    full = 'set -e; mount --bind "$STORE/nix" "$ROOT/nix"; mount --bind /dev "$ROOT/dev"; ' + script
    # The activation's PATH (activate sets it from the system's packages).
    env = dict(c.env, ROOT=root, STORE=c.store, TOP=top, CHROOT=shutil.which("chroot") or "chroot")
    return root, bt.run(["unshare", "-m", "sh", "-c", full], env=env, text=True, timeout=120)


def check_users(rep, c):
    if not (shutil.which("pwck") and shutil.which("grpck") and shutil.which("unshare") and shutil.which("chroot")):
        print("skip users: pwck, grpck, unshare or chroot not installed")
        return False
    for name in SEEDS:
        top = c.build(rep, name)
        if not top:
            continue
        act = open(c.real(top + "/activate")).read()
        m = re.search(r"(/nix/store/[a-z0-9]{32}-update-users-groups/bin/update-users-groups)", act)
        if not rep.check(m is not None, "users %s: activate runs update-users-groups" % name):
            continue
        root, r = in_root(c, top, 'PATH=/run/current-system/sw/bin "$CHROOT" "$ROOT" %s; pwck -r -R "$ROOT"; echo pwck=$?; grpck -r -R "$ROOT"; '
                          'echo grpck=$?' % m.group(1))
        rep.check(r.rc == 0 and "pwck=0" in r.out and "grpck=0" in r.out,
                  "users %s: pwck -r -R and grpck -r -R accept the generated database" % name,
                  bt.show(r))
        shadow = os.path.join(root, "etc", "shadow")
        if rep.check(os.path.isfile(shadow), "users %s: activation wrote etc/shadow" % name):
            st = os.stat(shadow)
            rep.check(st.st_mode & 0o777 == 0o640, "users %s: shadow is mode 0640" % name, oct(st.st_mode))
            lines = open(shadow).read().splitlines()
            rep.check(any(l.startswith("root:") for l in lines), "users %s: shadow has root" % name)
    # A hash from hashedPasswordFile reaches shadow at activation, never the store.
    secret = "$6$testsalt$" + "q" * 86
    # The file is read at activation, inside the root (ROOT/etc/alice.hash).
    pwfile = "/etc/alice.hash"
    cfg = c.config("hash", extra='{ networking.hostName = "h"; boot.isContainer = true; users.mutableUsers = false;'
                   ' users.users.alice = { isNormalUser = true; hashedPasswordFile = "%s"; }; }' % pwfile)
    r = c.os("build", "-c", cfg, "--store", c.store, "--no-out-link", *bt.bastion_sandbox_options())
    if rep.check(r.rc == 0, "users: a configuration with hashedPasswordFile builds", bt.show(r)):
        top = r.out.strip()
        act = open(c.real(top + "/activate")).read()
        uu = re.search(r"(/nix/store/[a-z0-9]{32}-update-users-groups/bin/update-users-groups)", act).group(1)
        root, r2 = in_root(c, top, 'printf "%%s\\n" %s > "$ROOT/etc/alice.hash"; PATH=/run/current-system/sw/bin "$CHROOT" "$ROOT" %s'
                           % (shlex.quote(secret), uu))
        line = [l for l in open(os.path.join(root, "etc", "shadow")).read().splitlines() if l.startswith("alice:")]
        rep.check(r2.rc == 0 and line and line[0].split(":")[1] == secret,
                  "users: alice's shadow line has the hash read from the file", bt.show(r2))
        leaked = [p for p in os.listdir(os.path.join(c.store, "nix", "store"))
                  if os.path.isfile(os.path.join(c.store, "nix", "store", p))
                  and secret in open(os.path.join(c.store, "nix", "store", p), errors="replace").read()]
        rep.check(leaked == [], "users: the hash is in no store file", repr(leaked))
    return True


def check_units(rep, c):
    if not (shutil.which("systemd-analyze") and shutil.which("unshare")):
        print("skip units: systemd-analyze or unshare not installed")
        return False
    if not os.path.isdir("/usr/lib/systemd/system"):
        print("skip units: the host has no systemd units to give the root")
        return False
    for name in SEEDS:
        top = c.build(rep, name)
        if not top:
            continue
        units = c.real(top + "/etc/systemd/system")
        # A masked unit (a link to /dev/null, as NixOS masks) is not verified.
        services = sorted(f for f in os.listdir(units) if f.endswith(".service")
                          and not (os.path.islink(os.path.join(units, f))
                                   and os.readlink(os.path.join(units, f)) == "/dev/null"))
        # The units where a system has them (etc/systemd/system), systemd's own
        # in usr/lib/systemd; --man=no: whether man pages are installed on this
        # machine is not the units' business.
        script = ('mkdir -p "$ROOT/usr/lib/systemd" "$ROOT/etc/systemd/system";'
                  ' mount --bind /usr/lib/systemd "$ROOT/usr/lib/systemd";'
                  ' mount --bind %s "$ROOT/etc/systemd/system";'
                  ' cd "$ROOT/etc/systemd/system" && systemd-analyze verify --man=no --root="$ROOT" %s'
                  % (shlex.quote(units), " ".join(shlex.quote(s) for s in services)))
        _, r = in_root(c, top, script)
        rep.check(r.rc == 0 and r.err.strip() == "",
                  "units %s: systemd-analyze verify of %d services, empty stderr" % (name, len(services)),
                  bt.show(r))
    return True


def last_error(text):
    """The message of an evaluation error: what follows its last 'error:',
    indentation removed, without Nix 2.8's hint lines."""
    i = text.rfind("error:")
    if i < 0:
        return text.strip()
    lines = [l.strip() for l in text[i + len("error:"):].splitlines()]
    lines = [l for l in lines if not l.startswith("(use '--show-trace'")]
    return "\n".join(lines).strip()


ERRORS = {
    "undeclared": '{ services.openssh.enabel = true; }',
    "type": '{ networking.firewall.allowedTCPPorts = [ "22" ]; }',
    "conflict": '{ imports = [ ./conflict-a.nix ./conflict-b.nix ]; }',
    "assertions": '{ assertions = [ { assertion = false; message = "first failed"; }'
                  ' { assertion = true; message = "holds"; } { assertion = false; message = "second failed"; } ]; }',
    "submodule-type": '{ users.users.alice = { isNormalUser = true; uid = "1000"; }; }',
    "shell": '{ pkgs, ... }: { users.users.alice = { isNormalUser = true; shell = pkgs.busybox; }; }',
}
ISSUE_OPTIONS = """networking.hostName networking.firewall.enable networking.firewall.allowedTCPPorts
networking.firewall.allowedUDPPorts networking.firewall.allowedTCPPortRanges networking.firewall.allowedUDPPortRanges
networking.firewall.trustedInterfaces networking.firewall.allowPing networking.firewall.logRefusedConnections
networking.firewall.extraInputRules networking.firewall.interfaces networking.useDHCP networking.networkmanager.enable
networking.interfaces services.openssh.enable services.openssh.ports services.openssh.openFirewall
services.openssh.allowSFTP services.openssh.settings.PasswordAuthentication services.openssh.settings.PermitRootLogin
services.openssh.settings.KbdInteractiveAuthentication services.openssh.settings.X11Forwarding
services.openssh.extraConfig services.openssh.hostKeys users.mutableUsers users.users.<name>.isNormalUser
users.users.<name>.isSystemUser users.users.<name>.uid users.users.<name>.group users.users.<name>.extraGroups
users.users.<name>.home users.users.<name>.createHome users.users.<name>.shell users.users.<name>.description
users.users.<name>.packages users.users.<name>.hashedPassword users.users.<name>.hashedPasswordFile
users.users.<name>.initialPassword users.users.<name>.openssh.authorizedKeys.keys
users.users.<name>.openssh.authorizedKeys.keyFiles users.groups.<name>.gid users.groups.<name>.members
security.sudo.enable security.sudo.wheelNeedsPassword security.sudo.execWheelOnly security.sudo.extraRules
security.sudo.extraConfig security.auditd.enable security.audit.enable security.audit.rules
systemd.services.<name>.enable systemd.services.<name>.description systemd.services.<name>.documentation
systemd.services.<name>.wantedBy systemd.services.<name>.requiredBy systemd.services.<name>.after
systemd.services.<name>.before systemd.services.<name>.wants systemd.services.<name>.requires
systemd.services.<name>.bindsTo systemd.services.<name>.environment systemd.services.<name>.path
systemd.services.<name>.script systemd.services.<name>.preStart systemd.services.<name>.postStart
systemd.services.<name>.serviceConfig systemd.services.<name>.restartIfChanged systemd.services.<name>.startAt
environment.etc.<name>.text environment.etc.<name>.source environment.etc.<name>.mode environment.etc.<name>.user
environment.etc.<name>.group environment.systemPackages environment.defaultPackages environment.persistence
fileSystems.<name>.device fileSystems.<name>.fsType fileSystems.<name>.options fileSystems.<name>.neededForBoot
boot.initrd.postResumeCommands nix.settings nix.settings.allowed-users nixpkgs.overlays nixpkgs.pkgs
system.stateVersion system.copySystemConfiguration services.tailscale.enable virtualisation.docker.enable
system.activationScripts systemd.mounts systemd.tmpfiles.rules environment.sessionVariables swapDevices""".split()
BASE = '{ networking.hostName = "h"; boot.isContainer = true; }'


def check_errors(rep, c):
    nix = shutil.which("nix-instantiate")
    if not nix or not os.path.isdir(NIXPKGS_LIB):
        print("skip errors: nix-instantiate or ../shared/reference/nixpkgs-lib missing")
        return False
    bt.write_file(os.path.join(c.work, "conflict-a.nix"), '{ networking.hostName = "alpha"; }')
    bt.write_file(os.path.join(c.work, "conflict-b.nix"), '{ networking.hostName = "beta"; }')
    nixstore = os.path.join(c.work, "nix-store")
    for case, module in ERRORS.items():
        mod = os.path.join(c.work, "err-%s.nix" % case)
        bt.write_file(mod, module)
        base = os.path.join(c.work, "err-base.nix")
        bt.write_file(base, BASE)
        cfg = os.path.join(c.work, "err-%s-config.nix" % case)
        bt.write_file(cfg, "{ imports = [ %s %s ]; nixpkgs.pkgs = import %s { }; }\n" % (base, mod, PKGS))
        ours = c.os("build", "-c", cfg, "--store", c.store, "--no-out-link", *bt.bastion_sandbox_options())
        expr = ("(import %s { lib = import %s; configuration = %s; }).config.system.build.toplevel.drvPath"
                % (EVAL_CONFIG, NIXPKGS_LIB, cfg))
        theirs = bt.run([nix, "--eval", "--store", nixstore, "-E", expr], env=bt.nix_env(c.env), text=True,
                        timeout=300, drop_warnings=True)
        rep.check(ours.rc == 1, "errors %s: os build exits with 1" % case, bt.show(ours))
        rep.check(theirs.rc == 1 and last_error(ours.err) == last_error(theirs.err),
                  "errors %s: the message is nixpkgs lib's under Nix 2.8" % case,
                  "ours:\n%s\ntheirs:\n%s" % (last_error(ours.err), last_error(theirs.err)))
        if case == "undeclared":
            rep.check("Did you mean `services.openssh.enable'" in ours.err and mod in ours.err,
                      "errors undeclared: names the file and suggests the option", ours.err)
        if case == "conflict":
            rep.check("conflict-a.nix" in ours.err and "conflict-b.nix" in ours.err,
                      "errors conflict: both defining files named", ours.err)
        if case == "assertions":
            rep.check("Failed assertions:\n- first failed\n- second failed" in last_error(ours.err),
                      "errors assertions: every failed assertion listed, NixOS's wording", ours.err)
        if case == "type":
            rep.check("networking.firewall.allowedTCPPorts" in ours.err and mod in ours.err,
                      "errors type: names the option path and the file", ours.err)
    # os eval reports the same; a syntax error gives file:line:column.
    bad = os.path.join(c.work, "syntax.nix")
    bt.write_file(bad, "{ networking.hostName = \"h\"\n  boot.isContainer = true; }\n")
    r = c.os("eval", "-c", bad, "--store", c.store)
    rep.check(r.rc == 1 and re.search(re.escape(bad) + r":2:20", r.err) is not None,
              "errors: a syntax error names file:line:column, exit 1", bt.show(r))
    r = c.os("build", "-c", os.path.join(c.work, "absent.nix"), "--store", c.store)
    rep.check(r.rc == 1 and "absent.nix' does not exist" in r.err and r.out == "",
              "errors: a missing configuration file, exit 1", bt.show(r))
    r = c.os("build", "-z")
    rep.check(r.rc == 1 and "unrecognised flag '-z'" in r.err, "errors: an unknown flag, exit 1", bt.show(r))
    r = c.os("eval", "a.b", "c.d")
    rep.check(r.rc == 1 and "unexpected argument 'c.d'" in r.err, "errors: a second option path, exit 1", bt.show(r))
    r = c.os("build", "--help")
    rep.check(r.rc == 0 and "bastion os build" in r.out and "BASTION_CONFIG" in r.out,
              "os build --help: the usage, -c's defaults", bt.show(r))
    # A warning (a renamed option) is printed by os build, as NixOS words it.
    r = c.os("build", "-c", c.config("talk", SEEDS["talk"]), "--store", c.store, "--no-out-link",
             *bt.bastion_sandbox_options())
    rep.check(r.rc == 0 and r.err.count("has been renamed to `services.openssh.settings.PasswordAuthentication'") == 1
              and "systemd.services.nextcloud.environment.MYSQL_PASSWORD" in r.err,
              "errors: os build prints the warnings once (renames, the secret in a unit)", bt.show(r))
    return True


def check_options(rep, c):
    for name in SEEDS:
        cfg = c.config(name, SEEDS[name])
        r = c.os("options", "--json", "-c", cfg, "--store", c.store)
        if not rep.check(r.rc == 0, "options %s: os options --json" % name, bt.show(r)):
            continue
        opts = json.loads(r.out)
        want = {"services.openssh.enable": "boolean",
                "networking.hostName": "string matching the pattern ^$|^[[:alnum:]]([[:alnum:]_-]{0,61}[[:alnum:]])?$",
                "networking.firewall.allowedTCPPorts": "list of 16 bit unsigned integer; between 0 and 65535 (both inclusive)",
                "users.users.<name>.isNormalUser": "boolean", "security.sudo.wheelNeedsPassword": "boolean",
                "fileSystems.<name>.neededForBoot": "boolean", "environment.persistence": None}
        for opt, ty in want.items():
            o = opts.get(opt)
            rep.check(o is not None and (ty is None or o.get("type") == ty) and o.get("declarations"),
                      "options %s: %s, type %s, declared" % (name, opt, ty or "any"), repr(o))
        sshd = opts.get("services.openssh.enable", {})
        rep.check(sshd.get("default") == {"_type": "literalExpression", "text": "false"}
                  and sshd.get("declarations", [""])[0].endswith("services/networking/ssh/sshd.nix"),
                  "options %s: a default and the declaring file" % name, repr(sshd))
        if name == "impermanence":
            decl = opts.get("environment.persistence", {}).get("declarations", [])
            rep.check(len(decl) == 1 and decl[0].endswith("fixtures/impermanence/nixos.nix"),
                      "options impermanence: environment.persistence is the community module's", repr(decl))
    # Every option the issue names is declared (assertions and warnings are
    # internal, as in NixOS, so the listing leaves them out).
    r = c.os("options", "--json", "--store", c.store)
    if rep.check(r.rc == 0, "options: os options --json without -c (the base modules)", bt.show(r)):
        base = json.loads(r.out)
        missing = [o for o in ISSUE_OPTIONS if o not in base]
        rep.check(missing == [], "options: the %d options the issue names are declared" % len(ISSUE_OPTIONS),
                  "missing: %s" % missing)
    # systemd.tmpfiles.rules and environment.sessionVariables as NixOS has them.
    cfg = c.config("env", extra='{ networking.hostName = "h"; boot.isContainer = true;'
                   ' systemd.tmpfiles.rules = [ "d /var/lib/x 0700 root root -" ];'
                   ' environment.sessionVariables = { EDITOR = "nvim"; XDG_DATA_DIRS = [ "/a" "/b" ]; }; }')
    r = c.os("eval", "-c", cfg, "--json", "environment", "--store", c.store)
    if rep.check(r.rc == 0, "options: tmpfiles rules and session variables evaluate", bt.show(r)):
        env = json.loads(r.out)
        rep.check(env["variables"].get("XDG_DATA_DIRS") == "/a:/b" and env["sessionVariables"]["EDITOR"] == "nvim",
                  "options: sessionVariables joined with ':' and merged into environment.variables", repr(env["variables"]))
        rep.check(env["etc"]["tmpfiles.d/00-nixos.conf"]["text"].rstrip().endswith("d /var/lib/x 0700 root root -"),
                  "options: systemd.tmpfiles.rules in etc/tmpfiles.d/00-nixos.conf")
        rep.check('XDG_DATA_DIRS   DEFAULT="/a:/b"' in env["etc"]["pam/environment"]["text"],
                  "options: session variables in pam_env's etc/pam/environment")
    r = c.os("options", "--store", c.store)
    rep.check(r.rc == 0 and "services.openssh.enable\n    type: boolean\n" in r.out,
              "options: text listing of the base modules without -c", bt.show(r)[:2000])
    # A default that fails to evaluate is shown as nixos-option shows a value
    # that fails («error: …»), never dropped: one missing from the package set
    # (an error tryEval cannot catch) and one that throws; a warning names
    # each option's path, and the listing still succeeds.
    cfg = c.config("broken-default", extra="""{ pkgs, lib, ... }: {
      options.bastionTest.missing = lib.mkOption { type = lib.types.package; default = pkgs.noSuchPackage; };
      options.bastionTest.thrown = lib.mkOption { type = lib.types.str; default = throw "no default here"; };
      config = { networking.hostName = "h"; boot.isContainer = true; }; }""")
    r = c.os("options", "-c", cfg, "--store", c.store)
    rep.check(r.rc == 0 and re.search(r"bastionTest\.missing\n    type: package\n    default: «error: [^\n]*noSuchPackage",
                                      r.out) is not None,
              "options: a default missing from the package set is listed as «error: …»", bt.show(r)[-2000:])
    rep.check("bastionTest.thrown\n    type: string\n    default: «error: no default here»" in r.out,
              "options: a default that throws is listed as «error: MESSAGE»", bt.show(r)[-2000:])
    rep.check("option 'bastionTest.missing'" in r.err and "option 'bastionTest.thrown'" in r.err,
              "options: a warning names the path of each option whose default fails", r.err[-2000:])
    r = c.os("options", "--json", "-c", cfg, "--store", c.store)
    if rep.check(r.rc == 0, "options --json with failing defaults", bt.show(r)):
        d = json.loads(r.out).get("bastionTest.thrown", {}).get("default")
        rep.check(d == {"_type": "error", "message": "no default here"},
                  "options --json: the failing default as {_type: error, message}", repr(d))
    cfg = c.config("meeka", SEEDS["meeka"])
    r = c.os("eval", "-c", cfg, "--json", "services.openssh.settings.PermitRootLogin", "--store", c.store)
    rep.check(r.rc == 0 and json.loads(r.out) == "prohibit-password", "os eval --json OPTION.PATH", bt.show(r))
    r = c.os("eval", "-c", cfg, "networking.firewall.allowedTCPPorts", "--store", c.store)
    rep.check(r.rc == 0 and r.out.strip().startswith("[ ") and "22" in r.out, "os eval OPTION.PATH as Nix",
              bt.show(r))
    return True


CHECKS = {"build": check_build, "users": check_users, "units": check_units, "errors": check_errors,
          "options": check_options}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--only", action="append", choices=sorted(CHECKS))
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    if not os.path.exists("/bin/busybox") and not shutil.which("busybox"):
        return bt.skip("no static busybox for the test package set")
    rep = bt.Report()
    ran = False
    with bt.work_dir("bastion-os-", keep=args.keep) as work:
        c = Ctx(os.path.abspath(args.bin), work)
        for name in args.only or list(CHECKS):
            ran = CHECKS[name](rep, c) or ran
    if not ran:
        return bt.skip("none of the tools is installed")
    return rep.summary()


if __name__ == "__main__":
    sys.exit(main())
