# nixpkgs' trivial builders (pkgs/build-support/trivial-builders.nix and
# buildenv), with nixpkgs' argument names and output layouts, over any
# POSIX shell and set of tools instead of nixpkgs' stdenv:
#   shell   a sh executable (a string; a store path's context makes it an
#           input): the builder of every derivation here, and runtimeShell
#   path    the tools builders find on PATH: one bin directory, or several
#           joined by ':' (coreutils-like: mkdir, mv, ln, chmod, cat,
#           readlink, dirname; cmp for buildEnv's collision check)
# <bastion/pkgs> passes Debian's bash and coreutils; hermetic tests pass a
# busybox.
{ lib, system, shell, path }:
let
  # stdenv's setup without stdenv: the builder sources buildCommand (passed
  # as a file, as nixpkgs passes it); nativeBuildInputs and buildInputs
  # put their bin directories on PATH in front of `path`.
  runCommandWith =
    { name, runLocal ? false, derivationArgs ? { } }:
    buildCommand:
    let
      args = derivationArgs;
      inputs = (args.nativeBuildInputs or [ ]) ++ (args.buildInputs or [ ]);
      drv = derivation (
        {
          # A name a store path may not hold becomes one it may: modules
          # name scripts after systemd-escaped paths (impermanence's
          # "unbindOrUnlink-etc-machine\x2did"), and a valid name is kept.
          name = lib.sanitizeDerivationName name;
          inherit system buildCommand;
          builder = shell;
          args = [ "-e" ./build-support/run-command.sh ];
          PATH = lib.concatStringsSep ":" (map (p: "${lib.getBin p}/bin") inputs ++ [ path ]);
          passAsFile = [ "buildCommand" ] ++ (args.passAsFile or [ ]);
        }
        // lib.optionalAttrs runLocal {
          preferLocalBuild = true;
          allowSubstitutes = false;
        }
        // removeAttrs args [ "passAsFile" "meta" "passthru" ]
      );
    in
    # mkDerivation's result: meta and passthru on the derivation, not in it.
    drv // { meta = args.meta or { }; } // (args.passthru or { });

  runCommand = name: env: runCommandWith { inherit name; derivationArgs = env; };

  runCommandLocal = name: env: runCommandWith {
    inherit name;
    runLocal = true;
    derivationArgs = env;
  };

  writeTextFile =
    { name
    , text
    , executable ? false
    , destination ? ""
    , checkPhase ? ""
    , meta ? { }
    , allowSubstitutes ? false
    , preferLocalBuild ? true
    , derivationArgs ? { }
    }:
    assert lib.assertMsg (destination != "" -> (lib.hasPrefix "/" destination && destination != "/"))
      "destination must be an absolute path, relative to the derivation's out path, got '${destination}' instead.";
    let
      matches = builtins.match "/bin/([^/]+)" destination;
    in
    runCommand name
      ({
        inherit text executable checkPhase allowSubstitutes preferLocalBuild;
        passAsFile = [ "text" ] ++ derivationArgs.passAsFile or [ ];
        meta = lib.optionalAttrs (executable && matches != null) { mainProgram = builtins.head matches; } // meta;
      } // removeAttrs derivationArgs [ "passAsFile" ])
      ''
        target=$out${lib.escapeShellArg destination}
        mkdir -p "$(dirname "$target")"

        if [ -e "$textPath" ]; then
          mv "$textPath" "$target"
        else
          printf '%s' "$text" > "$target"
        fi

        eval "$checkPhase"

        if [ -n "$executable" ]; then chmod +x "$target"; fi
      '';

  # nixpkgs' stdenv.shellDryRun, for the shell given.
  shellDryRun = "${shell} -n";

  writeShellText = text: ''
    #!${shell}
    ${text}
  '';

  symlinkJoin =
    args_@{ name
    , paths
    , preferLocalBuild ? true
    , allowSubstitutes ? false
    , postBuild ? ""
    , ...
    }:
    let
      args = removeAttrs args_ [ "name" "postBuild" ] // {
        inherit preferLocalBuild allowSubstitutes;
        passAsFile = [ "paths" ];
      };
    in
    runCommand name args ''
      . ${./build-support/lndir.sh}
      mkdir -p $out
      for i in $(cat $pathsPath); do
        lndir "$i" "$out"
      done
      ${postBuild}
    '';

  buildEnv =
    { name
    , manifest ? ""
    , paths
    , ignoreCollisions ? false
    , checkCollisionContents ? true
    , pathsToLink ? [ "/" ]
    , extraOutputsToInstall ? [ ]
    , extraPrefix ? ""
    , postBuild ? ""
    , nativeBuildInputs ? [ ]
    , buildInputs ? [ ]
    , passthru ? { }
    , meta ? { }
    }:
    let
      # Each package's outputs to link, as nixpkgs chooses them: the one
      # named, or meta.outputsToInstall of one named without an output;
      # extraOutputsToInstall adds outputs a package has (Debian's packages
      # have one output, so there it changes nothing).
      outputsOf = drv:
        (if drv.outputUnspecified or false
         then map (o: drv.${o}) drv.meta.outputsToInstall
         else [ drv ])
        ++ builtins.filter (p: p != null) (map (o: drv.${o} or null) extraOutputsToInstall);
      entries = builtins.concatMap
        (drv: map (p: { priority = drv.meta.priority or 5; path = "${p}"; }) (outputsOf drv))
        paths;
      sorted = builtins.sort (a: b: a.priority < b.priority) entries;
    in
    runCommand name
      {
        inherit manifest ignoreCollisions checkCollisionContents passthru meta
          pathsToLink extraPrefix postBuild nativeBuildInputs buildInputs;
        envPaths = map (e: "${toString e.priority}:${e.path}") sorted;
        preferLocalBuild = true;
        allowSubstitutes = false;
      }
      ''
        . ${./build-support/buildenv.sh}
        eval "$postBuild"
      '';

  linkFarm = name: entries:
    let
      entries' =
        if builtins.isAttrs entries then entries
        # last wins for a name given twice, as nixpkgs' foldl gives
        else if builtins.isList entries then lib.foldl (a: b: a // { "${b.name}" = b.path; }) { } entries
        else throw "linkFarm entries must be either attrs or a list!";
      linkCommands = lib.mapAttrsToList
        (name: path: ''
          mkdir -p "$(dirname ${lib.escapeShellArg "${name}"})"
          ln -s ${lib.escapeShellArg "${path}"} ${lib.escapeShellArg "${name}"}
        '')
        entries';
    in
    runCommand name
      {
        preferLocalBuild = true;
        allowSubstitutes = false;
        passthru.entries = entries';
      }
      ''
        mkdir -p $out
        cd $out
        ${lib.concatStrings linkCommands}
      '';
in
{
  inherit runCommandWith runCommand runCommandLocal writeTextFile symlinkJoin buildEnv linkFarm;
  runCommandNoCC = runCommand;
  runCommandCC = runCommand;
  runtimeShell = shell;

  writeText = name: text: writeTextFile { inherit name text; };

  writeTextDir = path: text: writeTextFile {
    inherit text;
    name = builtins.baseNameOf path;
    destination = "/${path}";
  };

  writeScript = name: text: writeTextFile {
    inherit name text;
    executable = true;
  };

  writeScriptBin = name: text: writeTextFile {
    inherit name text;
    executable = true;
    destination = "/bin/${name}";
  };

  writeShellScript = name: text: writeTextFile {
    inherit name;
    executable = true;
    text = writeShellText text;
    checkPhase = ''
      ${shellDryRun} "$target"
    '';
  };

  writeShellScriptBin = name: text: writeTextFile {
    inherit name;
    executable = true;
    destination = "/bin/${name}";
    text = writeShellText text;
    checkPhase = ''
      ${shellDryRun} "$target"
    '';
    meta.mainProgram = name;
  };
}
