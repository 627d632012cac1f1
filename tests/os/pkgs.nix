# A hermetic, minimal package set for the system tests: everything is built
# from the machine's static /bin/busybox, so a test needs neither the network
# nor Debian's archive. The builders are nixpkgs' trivial builders
# (nix/pkgs/trivial-builders.nix) with busybox as shell and tools. Real
# packages come from <bastion/pkgs>; the names below that are not busybox
# itself (openssh, sudo, nftables, …) are stand-ins: a bin/ holding the program
# names the modules put into units and scripts, each a script that says it is
# a stand-in and fails, so the store paths the modules write exist. A unit
# whose ExecStart is `${pkgs.openssh}/bin/sshd` is checked by the tests with
# the machine's real sshd, never with the stand-in.
#
#   import tests/os/pkgs.nix { }          # system defaults to builtins.currentSystem
{ system ? builtins.currentSystem or "x86_64-linux"
, lib ? import ../../nix/lib
}:
let
  busyboxFile = builtins.path { path = /bin/busybox; name = "busybox-static"; };

  # The first derivation runs the sandbox's /bin/sh (the machine's busybox,
  # sandbox-paths /bin/sh=/bin/busybox, as every build test here): busybox
  # picks its applet from argv[0], which a store file's name cannot give.
  # Every other builder is this derivation's bin/sh.
  busybox = derivation {
    name = "busybox";
    inherit system;
    builder = "/bin/sh";
    args = [ "-c" ''
      set -e
      bb=${busyboxFile}
      mkdir -p $out/bin
      cp $bb $out/bin/busybox
      chmod 0555 $out/bin/busybox
      for a in $($out/bin/busybox --list); do
        [ "$a" = busybox ] || ln -s busybox $out/bin/$a
      done
    '' ];
  };

  # A stand-in named like a real package: busybox's applets plus the names in
  # `programs`, each a script that says it is a stand-in and fails.
  standIn = name: programs: runCommand name { passAsFile = [ "programList" ]; programList = lib.concatStringsSep "\n" programs; } ''
    set -e
    mkdir -p $out/bin
    for p in $(cat "$programListPath"); do
      printf '#!%s\necho "%s: stand-in of the test package set" >&2\nexit 1\n' ${busybox}/bin/sh "$p" > $out/bin/$p
      chmod 0555 $out/bin/$p
    done
  '' // { pname = name; meta.description = "busybox-backed stand-in for ${name} (tests only)"; };

  # bash: busybox's ash under the name bash (busybox has no bash applet, so a
  # script that execs it), for #!…/bash scripts of modules; ash runs their
  # [[ ]] and local, not every bashism.
  bashStandIn = runCommand "bash" { } ''
    mkdir -p $out/bin
    printf '#!%s\nexec %s "$@"\n' ${busybox}/bin/sh ${busybox}/bin/sh > $out/bin/bash
    chmod 0555 $out/bin/bash
    ln -s ${busybox}/bin/sh $out/bin/sh
  '' // { shellPath = "/bin/bash"; };

  # nixpkgs' trivial builders (nix/pkgs/trivial-builders.nix) over busybox.
  tb = import ../../nix/pkgs/trivial-builders.nix {
    inherit lib system;
    shell = "${busybox}/bin/sh";
    path = "${busybox}/bin";
  };

  # stdenv's patchShebangs, which community modules' runCommands call: an
  # interpreter line `#!/…/NAME` or `#!/usr/bin/env NAME` pointed at NAME on
  # PATH (buildInputs' bin/ first, as the trivial builders put them).
  patchShebangs = ''
    patchShebangs() {
      for f in $(find "$@" -type f); do
        first=$(head -n1 "$f")
        case "$first" in '#!'*) ;; *) continue ;; esac
        set -- ''${first#\#!}
        prog=$1; [ "''${prog##*/}" = env ] && prog=$2
        new=$(command -v "''${prog##*/}") || { echo "patchShebangs: $f: ''${prog##*/} not on PATH" >&2; return 1; }
        sed -i "1s|.*|#!$new|" "$f"
      done
    }
  '';

  # Names a store path may not hold are sanitised by the trivial builders
  # themselves (impermanence names scripts after systemd-escaped paths).
  runCommand = name: env: script: tb.runCommand name env (patchShebangs + script);

  pkgs = {
    _type = "pkgs";
    inherit lib system busybox runCommand;
    inherit (tb) writeTextFile;
    pkgs = pkgs;
    inherit (tb) runtimeShell;
    stdenv = { hostPlatform.system = system; isLinux = true; };
    runCommandLocal = name: env: script: tb.runCommandLocal name env (patchShebangs + script);
    callPackage = fn: args:
      let f = if builtins.isFunction fn then fn else import fn;
      in f (builtins.intersectAttrs (builtins.functionArgs f) pkgs // args);
    inherit (tb) writeText writeScript writeShellScript writeTextDir writeScriptBin writeShellScriptBin buildEnv symlinkJoin linkFarm;

    # Stand-ins (see the header): only what the modules name.
    coreutils = busybox;
    # Shells carry shellPath as nixpkgs' do (types.shellPackage).
    bash = bashStandIn;
    bashInteractive = bashStandIn;
    shadow = standIn "shadow" [ "nologin" "useradd" "chpasswd" ] // { shellPath = "/bin/nologin"; };
    openssh = standIn "openssh" [ "sshd" "ssh" "ssh-keygen" ];
    sudo = standIn "sudo" [ "sudo" "visudo" ];
    nftables = standIn "nftables" [ "nft" ];
    iptables = standIn "iptables" [ "iptables" "ip6tables" ];
    audit = standIn "audit" [ "auditd" "auditctl" "augenrules" ];
    systemd = standIn "systemd" [ "systemctl" "systemd-tmpfiles" "udevadm" ];
    linux-pam = standIn "linux-pam" [ "unix_chkpwd" ];
    tailscale = standIn "tailscale" [ "tailscale" "tailscaled" ];
    docker = standIn "docker" [ "docker" "dockerd" ];
    networkmanager = standIn "networkmanager" [ "NetworkManager" "nmcli" "nm-online" ];
    nix = standIn "nix" [ "nix" "nix-store" "nix-daemon" ];
    neovim = standIn "neovim" [ "nvim" ];
    clamav = standIn "clamav" [ "clamscan" "freshclam" "clamd" ];
    perl = standIn "perl" [ "perl" ];
    rsync = standIn "rsync" [ "rsync" ];
    strace = standIn "strace" [ "strace" ];
    util-linux = busybox;
    iproute2 = busybox;
    kmod = busybox;
    gnugrep = busybox;
    gnused = busybox;
    findutils = busybox;
  };
in
pkgs
