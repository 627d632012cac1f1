# A hermetic package set for tests/os14 (test data, not a product stand-in):
# the machine's static busybox, with a bin/ of its applets, and the trivial
# builders the modules call, all built with that busybox. Packages the
# modules ask for by name (coreutils, util-linux) are this busybox; there is
# no systemd, so a test's configuration sets boot.systemdExecutable.
#
#   import ./pkgs.nix { busybox = "/bin/busybox"; }
{ busybox ? "/bin/busybox", lib ? import ../../nix/lib }:
let
  system = "x86_64-linux";
  bbFile = builtins.path { path = busybox; name = "busybox-static"; };

  bb = derivation {
    name = "busybox";
    inherit system;
    # busybox picks its applet by the name it is run as, which a store
    # path's is not: this one build runs the sandbox's /bin/sh (the same
    # static busybox, sandbox-paths /bin/sh=/bin/busybox), whose applets
    # run inside the shell without a PATH.
    builder = "/bin/sh";
    args = [ "-c" ''
      set -e
      mkdir -p $out/bin
      ln -s ${bbFile} $out/bin/busybox
      for a in $(busybox --list); do
        [ "$a" = busybox ] || ln -s busybox $out/bin/$a
      done
      [ -e $out/bin/sh ]
    '' ];
  } // { shellPath = "/bin/sh"; };

  runCommand = name: env: script: derivation ({
    inherit name system;
    builder = "${bb}/bin/sh";
    args = [ "-c" ("set -e\n" + script) ];
    PATH = "${bb}/bin";
  } // builtins.removeAttrs env [ "preferLocalBuild" "allowSubstitutes" ]);

  writeTextFile = { name, text, executable ? false, destination ? "" }:
    runCommand name { inherit text; passAsFile = [ "text" ]; } ''
      target="$out${destination}"
      mkdir -p "$(dirname "$target")"
      cp "$textPath" "$target"
      ${if executable then ''chmod +x "$target"'' else ""}
    '';
in
{
  _type = "pkgs";
  inherit lib system runCommand writeTextFile;
  busybox = bb;
  coreutils = bb;
  util-linux = bb;
  runtimeShell = "${bb}/bin/sh";
  bashInteractive = bb;
  runCommandLocal = runCommand;
  writeText = name: text: writeTextFile { inherit name text; };
  writeScript = name: text: writeTextFile { inherit name text; executable = true; };
  writeShellScript = name: text: writeTextFile { inherit name; executable = true; text = "#!${bb}/bin/sh\n" + text; };
  # buildEnv/symlinkJoin: every file of the paths linked into one tree
  # (the first path wins a collision, as buildEnv's ignoreCollisions).
  buildEnv = { name, paths, pathsToLink ? [ "/" ], ... }:
    runCommand name { } ''
      mkdir -p $out
      for p in ${lib.concatStringsSep " " (map toString paths)}; do
        for sub in ${lib.concatStringsSep " " pathsToLink}; do
          [ -d "$p$sub" ] || continue
          (cd "$p" && find ".$sub" \( -type f -o -type l \)) | while read -r f; do
            [ -e "$out/$f" ] || [ -L "$out/$f" ] && continue
            mkdir -p "$out/$(dirname "$f")"
            ln -s "$p/$f" "$out/$f"
          done
        done
      done
    '';
  symlinkJoin = { name, paths, ... }@a: (import ./pkgs.nix { inherit busybox lib; }).buildEnv { inherit name paths; };
}
