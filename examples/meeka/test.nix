# meeka (configuration.nix) booted and probed from a second container
# (prober.nix) on the test network, as ../../setup.sh's main job runs it:
#
#   bastion os test examples/meeka/test.nix
#
# meeka gets two users for the test (xe of the post, in wheel, and guest,
# not in wheel) accepting the test key (test-keys/); everything else is the
# post's configuration.
{ pkgs, lib, ... }:
let
  key = ./test-keys/id_ed25519.pub;
in
{
  name = "meeka";
  nodes = {
    meeka = {
      imports = [ ./configuration.nix ];
      users.users.xe.openssh.authorizedKeys.keyFiles = [ key ];
      users.users.guest = {
        isNormalUser = true;
        openssh.authorizedKeys.keyFiles = [ key ];
      };
      # A listener the firewall does not open (started by the script).
      environment.systemPackages = [ pkgs.netcat-openbsd ];
    };
    prober = import ./prober.nix { inherit pkgs; };
  };

  testScript = ''
    import re

    SSH = ("ssh -i /etc/ssh/meeka-test-key -o BatchMode=yes -o StrictHostKeyChecking=no "
           "-o UserKnownHostsFile=/dev/null -o ConnectTimeout=5 ")
    TALK_PATH = ("/run/wrappers/bin:/home/{u}/.nix-profile/bin:/etc/profiles/per-user/{u}/bin:"
                 "/nix/var/nix/profiles/default/bin:/run/current-system/sw/bin")

    def ssh(user, command):
        return SSH + user + "@meeka " + repr(command)

    # The post's install steps make the persisted side of /etc/ssh on the
    # disk; sshd's pre-start then generates the host keys into it.
    import os
    os.makedirs(meeka.root + "/nix/persist/etc/ssh", exist_ok=True)

    start_all()
    meeka.wait_for_unit("multi-user.target")
    meeka.wait_for_unit("sshd.service")
    meeka.wait_for_open_port(22)

    with subtest("the boot ends running, no failed unit"):
        state = meeka.succeed("systemctl is-system-running --wait || true").strip()
        failed = meeka.succeed("systemctl --failed --no-legend --plain")
        assert state == "running" and failed.strip() == "", (state, failed)

    # Debian's netcat-openbsd installs its program as nc.openbsd; `nc` is an
    # update-alternatives link, which only a system's merged /usr has.
    with subtest("only the declared ports answer"):
        meeka.succeed("systemd-run --unit=probe-listener nc.openbsd -lk 8080")
        meeka.wait_for_open_port(8080)
        prober.succeed("nc.openbsd -z -w 5 meeka 22")
        for port in (8080, 80, 8043):
            prober.fail("nc.openbsd -z -w 3 meeka %d" % port)

    with subtest("key login works"):
        assert prober.succeed(ssh("xe", "id -un")) == "xe\n"

    with subtest("password and root logins are refused"):
        # The server offers publickey only: no password is ever asked for.
        nokey = SSH.replace("-i /etc/ssh/meeka-test-key", "-o PubkeyAuthentication=no")
        for user in ("xe", "root"):
            status, out = prober.execute(nokey + user + "@meeka true 2>&1")
            assert status != 0 and "Permission denied (publickey)" in out, (user, out)
        prober.fail(ssh("root", "true"))

    with subtest("a user outside wheel cannot use sudo"):
        prober.fail(ssh("guest", "sudo -n true"))
        assert meeka.succeed("stat -c '%a %U %G' /run/wrappers/bin/sudo") == "4510 root wheel\n"
        meeka.fail("su -s /bin/sh guest -c '/run/wrappers/bin/sudo -n true'")

    with subtest("a binary copied out of the store cannot be executed"):
        meeka.succeed("cp $(readlink -f $(command -v id)) /root/id && chmod +x /root/id")
        out = meeka.fail("/root/id 2>&1")
        assert "Permission denied" in out, out

    with subtest("the store is read-only even for root"):
        out = meeka.fail("touch /nix/store/probe 2>&1")
        assert "Read-only file system" in out, out

    with subtest("the login PATH is the talk's"):
        assert prober.succeed(ssh("xe", "echo $PATH")) == TALK_PATH.format(u="xe") + "\n"

    with subtest("a second generation boots; after a rollback the first one boots again"):
        first = meeka.succeed("readlink /run/current-system")
        meeka.switch_root("generation-2.nix")
        meeka.reboot()
        meeka.wait_for_unit("multi-user.target")
        assert meeka.succeed("cat /etc/meeka-generation") == "2\n"
        second = meeka.succeed("readlink /run/current-system")
        assert second != first
        meeka.rollback()
        meeka.reboot()
        meeka.wait_for_unit("multi-user.target")
        meeka.fail("test -e /etc/meeka-generation")
        assert meeka.succeed("readlink /run/current-system") == first
        meeka.wait_for_open_port(22)
        assert prober.succeed(ssh("xe", "id -un")) == "xe\n"
  '';
}
