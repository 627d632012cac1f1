# system.build.bootStage2: the toplevel's `init` (nixpkgs'
# system/boot/stage-2.nix), stage-2-init.sh with this system's settings
# filled in. boot.systemdExecutable is NixOS's option; Bastion's test
# package sets have no systemd, so tests point it at a script of theirs
# (a test hook, nothing more: a real system keeps the default, systemd).
{ config, lib, pkgs, utils, ... }:
with lib;
let
  cfg = config.boot;
  root = config.fileSystems."/" or null;
  tmpfsRoot = root != null && root.fsType == "tmpfs";

  # The mount points a container's disk stands in for: the neededForBoot
  # file systems except / itself, parents first.
  carried = filter (m: m != "/")
    (map (fs: fs.mountPoint)
      (filter utils.fsNeededForBoot
        (sort (a: b: a.mountPoint < b.mountPoint) (attrValues config.fileSystems))));

  # nixpkgs' gawk is also bin/awk; Debian's makes that name an alternative
  # (/etc/alternatives/awk, which stage 2 runs before /etc exists).
  awk = if pkgs ? gawk then pkgs.runCommand "awk" { } ''
    mkdir -p $out/bin
    ln -s ${pkgs.gawk}/bin/gawk $out/bin/awk
  '' else null;
  pathPkgs = filter (p: p != null) (map (n: pkgs.${n} or null) [ "coreutils" "util-linux" "mount" "gawk" "gnused" "gnugrep" "busybox" ])
    ++ optional (awk != null) awk;
  binPath = concatStringsSep ":" (concatMap (p: [ "${p}/bin" "${p}/sbin" ]) pathPkgs);

  rootSwitch = optionalString tmpfsRoot (replaceStrings
    [ "@rootOptions@" "@carried@" ]
    [ (escapeShellArg (concatStringsSep "," (filter (o: o != "defaults") root.options ++ [ "mode=755" ])))
      (escapeShellArgs (unique ([ "/nix" ] ++ carried))) ]
    (builtins.readFile ./root-switch.sh));

  systemdExecutable =
    if cfg.systemdExecutable != null then cfg.systemdExecutable
    else if config.systemd.package != null then "${config.systemd.package}/lib/systemd/systemd"
    else throw "boot.systemdExecutable: no systemd to start (systemd.package is null and pkgs has no systemd); set boot.systemdExecutable";

  bootStage2 = pkgs.writeScript "stage-2-init" (replaceStrings
    [ "@shell@" "@path@" "@rootSwitch@" "@readOnlyNixStore@" "@postBootCommands@" "@systemdExecutable@" ]
    [ pkgs.runtimeShell binPath rootSwitch (optionalString cfg.readOnlyNixStore "1")
      cfg.postBootCommands (escapeShellArg systemdExecutable) ]
    (builtins.readFile ./stage-2-init.sh));
in
{
  options.boot = {
    systemdExecutable = mkOption {
      type = types.nullOr types.str;
      default = null;
      example = "/run/current-system/systemd/lib/systemd/systemd";
      description = ''
        The program stage 2 executes last, as PID 1 (null: systemd.package's
        lib/systemd/systemd). Tests with a package set without systemd set a
        script of their own here.
      '';
    };
    readOnlyNixStore = mkOption {
      type = types.bool;
      default = true;
      description = ''
        If set, NixOS will enforce the immutability of the Nix store
        by making {file}`/nix/store` a read-only bind
        mount.  Nix will automatically make the store writable when
        needed.
      '';
    };
    postBootCommands = mkOption {
      default = "";
      example = "rm -f /var/log/messages";
      type = types.lines;
      description = "Shell commands to be executed just before systemd is started.";
    };
  };

  config.system.build.bootStage2 = bootStage2;
  config.system.build.awk = awk;
}
