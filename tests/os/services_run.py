#!/usr/bin/env python3
"""The service modules against the real tools (ctest ossvc.*).

Each check evaluates a configuration with nix/os/eval-config.nix under bastion (the
seed-modelled ones in tests/os/services/, or one made here), writes the generated
/etc file it is about to a throw-away directory and gives it to the tool that reads it
on a real system:

  sshd     sshd -t -f etc/ssh/sshd_config (host keys made with ssh-keygen), and
           sshd -T shows the hardened values
  nft      nft -c -f etc/nftables.conf in a fresh user and network namespace; and a
           live probe: the ruleset loaded in one of two network namespaces made here
           (veth, 192.0.2.1/24 and 192.0.2.2/24): declared ports answer, others time
           out, loopback and trusted interfaces pass, ping as allowPing says
  sudo     visudo -c -f etc/sudoers; the sudo wrapper's mode (4510 with execWheelOnly)
  eval     the renamed options' warnings as NixOS words them, the community
           impermanence module replacing the built-in environment.persistence, the
           units' conditions; the time each seed configuration takes (printed)

  tests/os/services_run.py --bin build/bastion [--only sshd|nft|probe|sudo|eval]

A check whose tool is absent is skipped (exit 77 when nothing could run).
"""
import argparse, json, os, shutil, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tests", "lib"))
import bastion_test as bt  # noqa: E402

SVC = os.path.join(HERE, "services")
EVAL_CONFIG = os.path.join(REPO, "nix", "os", "eval-config.nix")
PKGS = os.path.join(SVC, "pkgs.nix")

SEEDS = {
    "talk": os.path.join(SVC, "talk.nix"),
    "meeka": os.path.join(SVC, "meeka", "default.nix"),
    "impermanence": os.path.join(SVC, "impermanence.nix"),
}


def nix_str(s):
    return json.dumps(s).replace("${", "\\${")


class Evaluator:
    def __init__(self, bastion, work):
        self.bastion = bastion
        self.work = work
        self.env = dict(os.environ, MYSQL_ROOT_PASSWORD="root-secret-of-the-test",
                        MYSQL_PASSWORD="secret-of-the-test")
        self.env.pop("NIX_PATH", None)

    def expr(self, modules, select):
        """modules: Nix expressions (paths or inline modules) of the configuration."""
        return ("let e = import %s { configuration = [ %s ]; pkgs = import %s { }; };"
                " config = e.config; options = e.options; in %s"
                % (EVAL_CONFIG, " ".join("(%s)" % m for m in modules), PKGS, select))

    def eval(self, modules, select, json_out=True):
        cmd = [self.bastion, "nix-instantiate", "--eval", "--strict", "--store",
               os.path.join(self.work, "store")]
        if json_out:
            cmd.append("--json")
        cmd += ["-E", self.expr(modules, select)]
        r = bt.run(cmd, env=self.env, text=True, timeout=300)
        if r.rc != 0:
            return None, r.err
        return (json.loads(r.out) if json_out else r.out), r.err


def write(path, text, mode=0o644):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)


def have(tool):
    return shutil.which(tool) or (os.path.exists(tool) and tool)


# ------------------------------------------------------------------ sshd

HARDENED = {
    "passwordauthentication": "no",
    "permitrootlogin": "no",
    "x11forwarding": "no",
    "kbdinteractiveauthentication": "no",
}

# What sshd -T must show for each configuration: the talk sets the old names
# passwordAuthentication and permitRootLogin; meeka and the guide turn off
# password and challenge-response logins and keep root's key logins
# (NixOS's default prohibit-password, which sshd -T calls without-password);
# "hardened" is the talk plus the new name settings.KbdInteractiveAuthentication.
SSHD_EXPECT = {
    "talk": dict(HARDENED, kbdinteractiveauthentication="yes"),
    "meeka": dict(HARDENED, permitrootlogin="without-password"),
    "impermanence": dict(HARDENED, permitrootlogin="without-password"),
    "hardened": HARDENED,
}


def sshd_in_namespace(sshd, args):
    """sshd -t/-T wants its privilege separation directory /run/sshd: give it one in a
    private mount namespace (a tmpfs on /run) instead of touching the machine's."""
    script = 'mount -t tmpfs tmpfs /run && mkdir -m 0755 /run/sshd && exec "$@"'
    return bt.run(["unshare", "-m", "sh", "-c", script, "sh", sshd] + args, text=True, timeout=60)


def check_sshd(rep, ev, work):
    sshd = have("sshd") or have("/usr/sbin/sshd")
    keygen = have("ssh-keygen")
    if not sshd or not keygen or not have("unshare"):
        print("skip sshd: openssh-server (sshd, ssh-keygen) or unshare not installed")
        return False
    keys = os.path.join(work, "hostkeys")
    os.makedirs(keys, exist_ok=True)
    for t in ("ed25519", "rsa"):
        p = os.path.join(keys, "ssh_host_%s_key" % t)
        bt.run([keygen, "-q", "-t", t, "-N", "", "-f", p] + (["-b", "2048"] if t == "rsa" else []),
               ok_codes=[0], timeout=120)
    host_keys = ('{ services.openssh.hostKeys = lib.mkForce [ { type = "ed25519"; path = %s; }'
                 ' { type = "rsa"; bits = 2048; path = %s; } ]; }'
                 % (nix_str(os.path.join(keys, "ssh_host_ed25519_key")),
                    nix_str(os.path.join(keys, "ssh_host_rsa_key"))))
    host_keys = "let lib = import %s; in %s" % (os.path.join(REPO, "nix", "lib"), host_keys)
    configs = dict(SEEDS, hardened=SEEDS["talk"])
    for name in ("talk", "meeka", "impermanence", "hardened"):
        extra = ["{ services.openssh.settings.KbdInteractiveAuthentication = false; }"] if name == "hardened" else []
        text, err = ev.eval([configs[name], host_keys] + extra, 'config.environment.etc."ssh/sshd_config".text')
        if not rep.check(text is not None, "sshd %s: sshd_config evaluates" % name, err):
            continue
        conf = os.path.join(work, "sshd-" + name, "sshd_config")
        write(conf, text)
        r = sshd_in_namespace(sshd, ["-t", "-f", conf])
        rep.check(r.rc == 0 and r.err.strip() == "", "sshd -t -f sshd_config (%s)" % name,
                  "rc=%s\n%s\n--- sshd_config ---\n%s" % (r.rc, r.err, text))
        r = sshd_in_namespace(sshd, ["-T", "-f", conf])
        shown = dict(l.split(" ", 1) for l in r.out.splitlines() if " " in l)
        wrong = {k: shown.get(k) for k, v in SSHD_EXPECT[name].items() if shown.get(k) != v}
        rep.check(r.rc == 0 and not wrong, "sshd -T shows the configured values (%s)" % name,
                  "rc=%s, differing: %s\n%s" % (r.rc, wrong, r.err))
        if name in ("meeka", "impermanence"):
            # extraConfig's own lines, and allowSFTP = false leaves no sftp subsystem.
            rep.check(shown.get("allowagentforwarding") == "no" and shown.get("authenticationmethods") == "publickey"
                      and "subsystem" not in shown,
                      "sshd -T: %s's extraConfig holds, no sftp subsystem" % name,
                      "allowagentforwarding=%s authenticationmethods=%s subsystem=%s"
                      % (shown.get("allowagentforwarding"), shown.get("authenticationmethods"), shown.get("subsystem")))
    # users.users.<name>.openssh.authorizedKeys → etc/ssh/authorized_keys.d/<name>
    keys_text, err = ev.eval([SEEDS["talk"]], 'config.environment.etc."ssh/authorized_keys.d/tristan".text')
    with open(os.path.join(SVC, "ssh-keys", "silver-hp.pub")) as f:
        pub = f.read().strip()
    rep.check(keys_text is not None and pub in keys_text.splitlines(),
              "talk: etc/ssh/authorized_keys.d/tristan holds the key of keyFiles", err or repr(keys_text))
    return True


# ------------------------------------------------------------------ nft

def check_nft(rep, ev, work):
    nft = have("nft") or have("/usr/sbin/nft")
    if not nft or not have("unshare"):
        print("skip nft: nftables or unshare not installed")
        return False
    for name in ("talk", "meeka", "impermanence"):
        text, err = ev.eval([SEEDS[name]], 'config.environment.etc."nftables.conf".text')
        if not rep.check(text is not None, "nft %s: nftables.conf evaluates" % name, err):
            continue
        conf = os.path.join(work, "nft-" + name, "nftables.conf")
        write(conf, text)
        r = bt.run(["unshare", "-rn", nft, "-c", "-f", conf], text=True, timeout=60)
        rep.check(r.rc == 0 and r.err.strip() == "", "unshare -rn nft -c -f nftables.conf (%s)" % name,
                  "rc=%s\n%s" % (r.rc, r.err))
    # A broken extraInputRules must be refused by nft (the check can fail).
    text, err = ev.eval([SEEDS["talk"], '{ networking.firewall.extraInputRules = "tcp dport frobnicate accept"; }'],
                        'config.environment.etc."nftables.conf".text')
    if rep.check(text is not None, "nft: a configuration with a bad extraInputRules evaluates", err):
        conf = os.path.join(work, "nft-bad", "nftables.conf")
        write(conf, text)
        r = bt.run(["unshare", "-rn", nft, "-c", "-f", conf], text=True, timeout=60)
        rep.check(r.rc != 0 and "frobnicate" in r.err, "nft -c refuses the bad rule", "rc=%s\n%s" % (r.rc, r.err))
    return True


# ------------------------------------------------------------------ live probe

SERVER = r"""
import socket, sys, threading
def serve(port, host):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((host, port)); s.listen(8)
    while True:
        c, _ = s.accept(); c.sendall(b"hi %d\n" % port); c.close()
for p in sys.argv[1:]:
    threading.Thread(target=serve, args=(int(p), "0.0.0.0"), daemon=True).start()
print("ready", flush=True)
sys.stdin.read()
"""

CLIENT = r"""
import socket, sys
host, port = sys.argv[1], int(sys.argv[2])
try:
    c = socket.create_connection((host, port), timeout=3)
    print(c.recv(64).decode().strip() or "open")
except socket.timeout:
    print("timeout")
except ConnectionRefusedError:
    print("refused")
except OSError as e:
    print("error %s" % e)
"""


class Netns:
    """Two network namespaces joined by a veth pair: the server (192.0.2.1/24, interface
    bsvc0) and the client (192.0.2.2/24). Removed on close."""

    def __init__(self, tag):
        self.a, self.b = "bsvc-a-%s" % tag, "bsvc-b-%s" % tag
        self.made = []
        for ns in (self.a, self.b):
            bt.run(["ip", "netns", "add", ns], ok_codes=[0])
            self.made.append(ns)
        cmds = [
            ["ip", "link", "add", "bsvc0", "netns", self.a, "type", "veth", "peer", "name", "bsvc1", "netns", self.b],
            ["ip", "-n", self.a, "addr", "add", "192.0.2.1/24", "dev", "bsvc0"],
            ["ip", "-n", self.b, "addr", "add", "192.0.2.2/24", "dev", "bsvc1"],
            ["ip", "-n", self.a, "link", "set", "bsvc0", "up"],
            ["ip", "-n", self.b, "link", "set", "bsvc1", "up"],
            ["ip", "-n", self.a, "link", "set", "lo", "up"],
            ["ip", "-n", self.b, "link", "set", "lo", "up"],
        ]
        for c in cmds:
            bt.run(c, ok_codes=[0])

    def run(self, ns, cmd, **kw):
        return bt.run(["ip", "netns", "exec", ns] + cmd, text=True, **kw)

    def close(self):
        for ns in self.made:
            bt.run(["ip", "netns", "del", ns])


def probe(net, ports):
    """What the client sees of each port of the server; and the server itself on lo."""
    seen = {}
    for p in ports:
        seen[p] = net.run(net.b, [sys.executable, "-c", CLIENT, "192.0.2.1", str(p)], timeout=30).out.strip()
    return seen


def ping(net, busybox):
    return net.run(net.b, [busybox, "ping", "-c", "1", "-W", "2", "192.0.2.1"], timeout=30).rc == 0


def check_probe(rep, ev, work):
    nft = have("nft") or have("/usr/sbin/nft")
    busybox = have("busybox")
    if not nft or not have("ip") or not busybox:
        print("skip probe: nft, ip (iproute2) or busybox not installed")
        return False
    if os.geteuid() != 0:
        print("skip probe: network namespaces need root")
        return False
    configs = {
        "ping allowed": ('{ networking.firewall = { allowedTCPPorts = [ 8080 22 ];'
                         ' allowedTCPPortRanges = [ { from = 7000; to = 7002; } ];'
                         ' interfaces.bsvc0.allowedTCPPorts = [ 6000 ]; interfaces.other0.allowedTCPPorts = [ 6001 ]; }; }'),
        "ping refused": '{ networking.firewall = { allowedTCPPorts = [ 8080 ]; allowPing = false; }; }',
        "trusted interface": '{ networking.firewall = { allowedTCPPorts = [ 8080 ]; trustedInterfaces = [ "bsvc0" ]; }; }',
        "reject": '{ networking.firewall = { allowedTCPPorts = [ 8080 ]; rejectPackets = true; }; }',
    }
    ports = [8080, 7001, 6000, 6001, 9090]
    expect = {
        "ping allowed": ({8080: "hi 8080", 7001: "hi 7001", 6000: "hi 6000", 6001: "timeout", 9090: "timeout"}, True),
        "ping refused": ({8080: "hi 8080", 7001: "timeout", 6000: "timeout", 6001: "timeout", 9090: "timeout"}, False),
        "trusted interface": ({p: "hi %d" % p for p in ports}, True),
        "reject": ({8080: "hi 8080", 7001: "refused", 6000: "refused", 6001: "refused", 9090: "refused"}, True),
    }
    for label, module in configs.items():
        text, err = ev.eval([SEEDS["talk"], module], 'config.environment.etc."nftables.conf".text')
        if not rep.check(text is not None, "probe %s: nftables.conf evaluates" % label, err):
            continue
        conf = os.path.join(work, "probe", label.replace(" ", "-") + ".conf")
        write(conf, text)
        net = Netns("%d" % os.getpid())
        server = None
        try:
            r = net.run(net.a, [nft, "-f", conf], timeout=60)
            if not rep.check(r.rc == 0, "probe %s: the ruleset loads" % label, r.err):
                continue
            server = subprocess.Popen(["ip", "netns", "exec", net.a, sys.executable, "-c", SERVER]
                                      + [str(p) for p in ports],
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
            ready = server.stdout.readline().strip()
            if not rep.check(ready == "ready", "probe %s: the server listens" % label, ready):
                continue
            seen = probe(net, ports)
            want_ports, want_ping = expect[label]
            rep.check(seen == want_ports, "probe %s: declared ports answer, the others do not" % label,
                      "seen %s\nwant %s" % (seen, want_ports))
            local = net.run(net.a, [sys.executable, "-c", CLIENT, "127.0.0.1", "9090"], timeout=30).out.strip()
            rep.check(local == "hi 9090", "probe %s: loopback is accepted" % label, local)
            rep.check(ping(net, busybox) == want_ping,
                      "probe %s: ping %s" % (label, "answers" if want_ping else "gets no answer"))
        finally:
            if server:
                server.stdin.close()
                server.kill()
                server.wait()
            net.close()
    return True


# ------------------------------------------------------------------ sudo

def check_sudo(rep, ev, work):
    visudo = have("visudo") or have("/usr/sbin/visudo")
    if not visudo:
        print("skip sudo: sudo (visudo) not installed")
        return False
    for name in ("talk", "meeka", "impermanence"):
        text, err = ev.eval([SEEDS[name]], "config.environment.etc.sudoers.text")
        if not rep.check(text is not None, "sudo %s: sudoers evaluates" % name, err):
            continue
        conf = os.path.join(work, "sudo-" + name, "sudoers")
        write(conf, text, 0o440)
        r = bt.run([visudo, "-c", "-f", conf], text=True, timeout=60)
        rep.check(r.rc == 0, "visudo -c -f sudoers (%s)" % name, "rc=%s\n%s%s\n%s" % (r.rc, r.out, r.err, text))
    # The rules NixOS writes: root and wheel, the user's rules in order, extraConfig last.
    rules = ('{ security.sudo.wheelNeedsPassword = false; security.sudo.extraRules = [ { users = [ "backup" ]; groups = [ 1006 ];'
             ' commands = [ { command = "/run/current-system/sw/bin/true"; options = [ "SETENV" "NOPASSWD" ]; } ]; } ]; }')
    text, err = ev.eval([SEEDS["impermanence"], rules], "config.environment.etc.sudoers.text")
    if rep.check(text is not None, "sudo: extraRules evaluate", err):
        lines = [l for l in text.splitlines() if l and not l.startswith("#")]
        want = ["root\tALL=(ALL:ALL)\tSETENV: ALL",
                "%wheel\tALL=(ALL:ALL)\tNOPASSWD:SETENV: ALL",
                "backup\tALL=(ALL:ALL)\tSETENV:NOPASSWD: /run/current-system/sw/bin/true",
                "%#1006\tALL=(ALL:ALL)\tSETENV:NOPASSWD: /run/current-system/sw/bin/true",
                "Defaults lecture = never"]
        rep.check(lines == want, "sudoers: root, wheel (NOPASSWD), the extra rules, then extraConfig",
                  "got  %r\nwant %r" % (lines, want))
        conf = os.path.join(work, "sudo-rules", "sudoers")
        write(conf, text, 0o440)
        r = bt.run([visudo, "-c", "-f", conf], text=True, timeout=60)
        rep.check(r.rc == 0, "visudo -c -f sudoers (extraRules)", r.out + r.err)
    # execWheelOnly: the wrapper is root:wheel, mode 4510 (u+rx,g+x and setuid).
    for label, module, mode, group in (("execWheelOnly", "{ security.sudo.execWheelOnly = true; }", 0o4510, "wheel"),
                                       ("default", "{ }", 0o4511, "root")):
        w, err = ev.eval([SEEDS["talk"], module],
                         "let w = config.security.wrappers.sudo; in { inherit (w) owner group; chmod = config.security.wrapperChmod w; }")
        if not rep.check(w is not None, "sudo wrapper (%s) evaluates" % label, err):
            continue
        f = os.path.join(work, "wrapper-" + label)
        write(f, "")
        r = bt.run(["chmod", w["chmod"], f], text=True)
        got = os.stat(f).st_mode & 0o7777
        rep.check(r.rc == 0 and got == mode and w["owner"] == "root" and w["group"] == group,
                  "sudo wrapper (%s): %s:%s mode %o" % (label, "root", group, mode),
                  "%s:%s chmod %s → %o %s" % (w["owner"], w["group"], w["chmod"], got, r.err))
    return True


# ------------------------------------------------------------------ eval

RENAMED = "The option `services.openssh.%s' defined in `%s' has been renamed to `services.openssh.%s'."


def check_eval(rep, ev, work):
    sel = "{ warnings = config.warnings; assertions = e.failedAssertions; }"
    got = {}
    for name, path in SEEDS.items():
        t0 = time.process_time()
        start = time.monotonic()
        w, err = ev.eval([path], sel)
        wall = time.monotonic() - start
        got[name] = w
        if rep.check(w is not None, "eval %s: the configuration evaluates" % name, err):
            print("     %s: %.2f s wall for the warnings and assertions" % (name, wall))
            rep.check(w["assertions"] == [], "eval %s: no failed assertion" % name, "\n".join(w["assertions"]))
    talk = got.get("talk")
    if talk:
        for old, new in (("passwordAuthentication", "settings.PasswordAuthentication"),
                         ("permitRootLogin", "settings.PermitRootLogin")):
            want = RENAMED % (old, SEEDS["talk"], new)
            rep.check(want in talk["warnings"], "talk: %s gives NixOS's rename warning" % old,
                      "want %s\ngot  %s" % (want, "\n     ".join(talk["warnings"])))
        secret = [x for x in talk["warnings"] if "systemd.services.nextcloud.environment" in x]
        rep.check(secret != [], "talk: the getEnv secret in a unit's environment is warned about, naming the option",
                  "\n".join(talk["warnings"]))
    meeka = got.get("meeka")
    if meeka:
        want = RENAMED % ("challengeResponseAuthentication", os.path.join(SVC, "meeka", "sshd.nix"),
                          "kbdInteractiveAuthentication")
        rep.check(want in meeka["warnings"], "meeka: challengeResponseAuthentication gives NixOS's rename warning",
                  "want %s\ngot  %s" % (want, "\n     ".join(meeka["warnings"])))
    # The built-in environment.persistence (meeka) and the community module (the
    # impermanence guide) each declare it, never both.
    sel = ('{ decl = map toString options.environment.persistence.declarations;'
           ' fs = builtins.mapAttrs (n: v: { inherit (v) device options; }) config.fileSystems; }')
    ours = os.path.join(REPO, "nix", "modules", "tasks", "persistence.nix")
    theirs = os.path.join(HERE, "fixtures", "impermanence", "nixos.nix")
    r, err = ev.eval([SEEDS["meeka"]], sel)
    if rep.check(r is not None, "meeka: environment.persistence evaluates", err):
        rep.check(r["decl"] == [ours], "meeka: environment.persistence is the built-in one", repr(r["decl"]))
        srv = r["fs"].get("/srv", {})
        rep.check(srv.get("device") == "/nix/persist/srv" and "bind" in srv.get("options", [])
                  and "noexec" in srv.get("options", []),
                  "meeka: /srv is a bind mount of /nix/persist/srv, noexec merged in", repr(srv))
    r, err = ev.eval([SEEDS["impermanence"]], sel)
    if rep.check(r is not None, "impermanence: the community module evaluates", err):
        rep.check(len(r["decl"]) == 1 and r["decl"][0].endswith("/nixos.nix") and r["decl"][0] != ours,
                  "impermanence: the community module replaces the built-in environment.persistence",
                  "%r (theirs: %s)" % (r["decl"], theirs))
        nixos = r["fs"].get("/etc/nixos", {})
        rep.check(nixos.get("device") == "/persist/etc/nixos" and "bind" in nixos.get("options", []),
                  "impermanence: /etc/nixos is the community module's bind mount", repr(nixos))
    # Both at once, the built-in and the community module, is one declaration, no collision.
    r, err = ev.eval([SEEDS["impermanence"], SEEDS["meeka"]], "map toString options.environment.persistence.declarations")
    rep.check(r is not None and len(r) == 1 and r[0] != ours,
              "meeka + the community module: no duplicate declaration", err or repr(r))
    # Units: audit in containers is off (ConditionVirtualization), as NixOS has it.
    r, err = ev.eval([SEEDS["meeka"]],
                     '{ a = config.systemd.services.auditd.unitConfig.ConditionVirtualization;'
                     ' b = config.systemd.services.audit-rules.unitConfig.ConditionVirtualization;'
                     ' rules = config.environment.etc."audit/audit.rules".text; }')
    if rep.check(r is not None, "meeka: the audit units evaluate", err):
        rep.check(r["a"] == "!container" and r["b"] == "!container",
                  "meeka: auditd and audit-rules have ConditionVirtualization=!container", repr(r))
        rep.check(r["rules"].splitlines() == ["-D", "-b 1024", "-f 1", "-r 0", "-a exit,always -F arch=b64 -S execve", "-e 1"],
                  "meeka: etc/audit/audit.rules", r["rules"])
    # A package the package set lacks is a clear error naming it (a set without it:
    # an overlay cannot remove an attribute, super // overlay keeps it).
    r2, err2 = ev.eval(["{ services.tailscale.enable = true; }", "{ lib, ... }: { nixpkgs.pkgs = lib.mkForce (builtins.removeAttrs (import %s { }) [ \"tailscale\" ]); }" % PKGS],
                       "config.systemd.services.tailscaled.serviceConfig.ExecStart")
    rep.check(r2 is None and "tailscale cannot be found in pkgs" in err2,
              "tailscale without pkgs.tailscale: the error names the package", err2)
    return True


CHECKS = {"sshd": check_sshd, "nft": check_nft, "probe": check_probe, "sudo": check_sudo, "eval": check_eval}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--only", action="append", choices=sorted(CHECKS))
    args = ap.parse_args()
    # The core modules (branch os) must be there for eval-config to evaluate.
    listed = os.path.join(REPO, "nix", "modules", "module-list.nix")
    with open(listed) as f:
        missing = [l.strip() for l in f if l.strip().startswith("./")
                   and not os.path.exists(os.path.join(REPO, "nix", "modules", l.strip()))]
    if missing:
        return bt.skip("module-list.nix names modules not written yet: " + " ".join(missing))
    rep = bt.Report()
    ran = False
    with bt.work_dir("bastion-ossvc-") as work:
        ev = Evaluator(os.path.abspath(args.bin), work)
        for name in args.only or list(CHECKS):
            ran = CHECKS[name](rep, ev, work) or ran
    if not ran:
        return bt.skip("none of the tools is installed")
    return rep.summary()


if __name__ == "__main__":
    sys.exit(main())
