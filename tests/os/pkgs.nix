# A hermetic, minimal package set for the system tests: everything is built
# from the machine's static /bin/busybox, so a test needs neither the network
# nor Debian's archive. Real packages come from <bastion/pkgs>; the names
# below that are not busybox itself (openssh, sudo, nftables, …) are stand-ins,
# each a bin/ of busybox applet links plus the program names the modules put
# into units and scripts, so the store paths the modules write exist. A unit
# whose ExecStart is `${pkgs.openssh}/bin/sshd` is checked by the tests with
# the machine's real sshd, never with the stand-in.
#
#   import tests/os/pkgs.nix { }          # system defaults to builtins.currentSystem
{ system ? builtins.currentSystem or "x86_64-linux"
, lib ? import ../../nix/lib
}:
let
  busyboxFile = builtins.path { path = /bin/busybox; name = "busybox-static"; };

  shell = "${busyboxFile}";

  # One derivation run by busybox's sh; `script` sees $out and the attributes.
  mkSh = name: attrs: script: derivation ({
    inherit name system;
    builder = busyboxFile;
    args = [ "sh" "-c" script ];
    PATH = "${busybox}/bin";
  } // attrs);

  busybox = derivation {
    name = "busybox";
    inherit system;
    builder = busyboxFile;
    args = [ "sh" "-c" ''
      set -e
      bb=${busyboxFile}
      $bb mkdir -p $out/bin
      $bb cp $bb $out/bin/busybox
      $bb chmod 0555 $out/bin/busybox
      for a in $($bb --list); do
        [ "$a" = busybox ] || $bb ln -s busybox $out/bin/$a
      done
    '' ];
  };

  # A stand-in named like a real package: busybox's applets plus the names in
  # `programs`, each a script that says it is a stand-in and fails.
  standIn = name: programs: mkSh name { passAsFile = [ "programList" ]; programList = lib.concatStringsSep "\n" programs; } ''
    set -e
    mkdir -p $out/bin
    for p in $(cat "$programListPath"); do
      printf '#!%s sh\necho "%s: stand-in of the test package set" >&2\nexit 1\n' ${shell} "$p" > $out/bin/$p
      chmod 0555 $out/bin/$p
    done
  '' // { pname = name; meta.description = "busybox-backed stand-in for ${name} (tests only)"; };

  writeTextFile = { name, text, executable ? false, destination ? "", checkPhase ? "", ... }:
    mkSh name { inherit text; passAsFile = [ "text" ]; } ''
      set -e
      target=$out${lib.escapeShellArg destination}
      mkdir -p "$(dirname "$target")"
      cp "$textPath" "$target"
      ${lib.optionalString executable ''chmod +x "$target"''}
      ${checkPhase}
    '';

  runCommand = name: env: script:
    mkSh name (builtins.removeAttrs env [ "preferLocalBuild" "allowSubstitutes" ] // { buildCommand = script; passAsFile = [ "buildCommand" ]; }) ''
      . "$buildCommandPath"
    '';

  pkgs = {
    _type = "pkgs";
    inherit lib system busybox writeTextFile runCommand;
    pkgs = pkgs;
    runtimeShell = "${busybox}/bin/sh";
    stdenv = { hostPlatform.system = system; isLinux = true; };
    runCommandLocal = runCommand;
    callPackage = fn: args:
      let f = if builtins.isFunction fn then fn else import fn;
      in f (builtins.intersectAttrs (builtins.functionArgs f) pkgs // args);
    writeText = name: text: writeTextFile { inherit name text; };
    writeScript = name: text: writeTextFile { inherit name text; executable = true; };
    writeShellScript = name: text: writeTextFile {
      inherit name; executable = true;
      text = "#!${pkgs.runtimeShell}\n${text}";
    };
    writeShellScriptBin = name: text: writeTextFile {
      inherit name; executable = true; destination = "/bin/${name}";
      text = "#!${pkgs.runtimeShell}\n${text}";
    };
    # buildEnv/symlinkJoin: every path's files linked into one tree; a clash
    # between two packages is an error unless ignoreCollisions, as buildEnv.
    buildEnv = { name, paths, pathsToLink ? [ "/" ], ignoreCollisions ? false, ... }:
      mkSh name { paths = map toString paths; } ''
        set -e
        mkdir -p $out
        for p in $paths; do
          [ -d "$p" ] || continue
          (cd "$p" && find . -type f -o -type l) | while read -r f; do
            f=''${f#./}
            keep=
            for prefix in ${lib.escapeShellArgs pathsToLink}; do
              if [ "$prefix" = / ]; then keep=1; else
                case "/$f" in "$prefix"|"$prefix"/*) keep=1 ;; esac
              fi
            done
            [ -n "$keep" ] || continue
            mkdir -p "$out/$(dirname "$f")"
            if [ -e "$out/$f" ] || [ -L "$out/$f" ]; then
              ${if ignoreCollisions then "continue" else ''echo "collision between $p/$f and $(readlink "$out/$f")" >&2; exit 1''}
            fi
            ln -s "$p/$f" "$out/$f"
          done
        done
      '';
    symlinkJoin = { name, paths, ... }: pkgs.buildEnv { inherit name paths; };
    linkFarm = name: entries:
      let list = if builtins.isList entries then entries else lib.mapAttrsToList (n: v: { name = n; path = v; }) entries;
      in runCommand name { } (lib.concatMapStrings (e: ''
        mkdir -p "$(dirname $out/${lib.escapeShellArg e.name})"
        ln -s ${lib.escapeShellArg "${e.path}"} $out/${lib.escapeShellArg e.name}
      '') list);

    # Stand-ins (see the header): only what the modules name.
    coreutils = busybox;
    bash = busybox;
    bashInteractive = busybox;
    shadow = standIn "shadow" [ "nologin" "useradd" "chpasswd" ];
    openssh = standIn "openssh" [ "sshd" "ssh" "ssh-keygen" ];
    sudo = standIn "sudo" [ "sudo" "visudo" ];
    nftables = standIn "nftables" [ "nft" ];
    iptables = standIn "iptables" [ "iptables" "ip6tables" ];
    audit = standIn "audit" [ "auditd" "auditctl" "augenrules" ];
    systemd = standIn "systemd" [ "systemctl" "systemd-tmpfiles" "udevadm" ];
    linux-pam = standIn "linux-pam" [ "unix_chkpwd" ];
    tailscale = standIn "tailscale" [ "tailscale" "tailscaled" ];
    docker = standIn "docker" [ "docker" "dockerd" ];
    networkmanager = standIn "networkmanager" [ "NetworkManager" "nmcli" ];
    nix = standIn "nix" [ "nix" "nix-store" "nix-daemon" ];
    neovim = standIn "neovim" [ "nvim" ];
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
