# security.wrappers: setuid/setgid/capability copies of programs in
# /run/wrappers/bin (nixpkgs' nixos/modules/security/wrappers). NixOS puts
# a small wrapper program there that execs the store file; Bastion copies
# the program itself (the store is read-only and mode-less, the copy is
# not), made in a fresh directory and swapped in with one rename so that
# no half-made set of wrappers is ever visible.
{ config, lib, pkgs, ... }:
with lib;
let
  cfg = config.security;

  wrapperOptions = { name, ... }: {
    options = {
      source = mkOption {
        type = types.path;
        description = "The absolute path to the program to be wrapped.";
      };
      program = mkOption {
        type = types.nullOr types.str;
        default = name;
        description = "The name of the wrapper program. Defaults to the attribute name.";
      };
      owner = mkOption {
        type = types.str;
        description = "The owner of the wrapper program.";
      };
      group = mkOption {
        type = types.str;
        description = "The group of the wrapper program.";
      };
      permissions = mkOption {
        type = types.strMatching "[ugoa]*[-+=][rwxXst]*(,[ugoa]*[-+=][rwxXst]*)*|[0-7]{3,4}";
        default = "u+rx,g+x,o+x";
        example = "a+rx";
        description = ''
          The permissions of the wrapper program, as chmod(1) takes them.
        '';
      };
      setuid = mkOption {
        type = types.bool;
        default = false;
        description = "Whether to add the setuid bit the wrapper program.";
      };
      setgid = mkOption {
        type = types.bool;
        default = false;
        description = "Whether to add the setgid bit the wrapper program.";
      };
      capabilities = mkOption {
        type = types.commas;
        default = "";
        description = ''
          A comma-separated list of capability clauses to be given to the
          wrapper program (setcap(8) syntax).
        '';
      };
    };
  };

  # The chmod(1) argument giving exactly the declared mode: everything
  # cleared first, then the permissions, then the set-id bits.
  chmodArg = w:
    concatStringsSep "," ([ "a=" w.permissions ]
      ++ optional w.setuid "u+s"
      ++ optional w.setgid "g+s");

  mkWrapper = name: w: ''
    cp ${escapeShellArg w.source} "$new/${w.program}"
    chown ${escapeShellArg "${w.owner}:${w.group}"} "$new/${w.program}"
    chmod ${escapeShellArg (chmodArg w)} "$new/${w.program}"
    ${optionalString (w.capabilities != "") ''setcap ${escapeShellArg "${w.capabilities}"} "$new/${w.program}"''}
  '';
in
{
  options.security = {
    wrappers = mkOption {
      type = types.attrsOf (types.submodule wrapperOptions);
      default = { };
      example = literalExpression ''
        {
          # a setuid root program
          doas = {
            setuid = true;
            owner = "root";
            group = "root";
            source = "''${pkgs.doas}/bin/doas";
          };
        }
      '';
      description = ''
        This option effectively allows adding setuid/setgid bits, capabilities,
        changing file ownership and permissions of a program without directly
        modifying it.
      '';
    };

    wrapperDir = mkOption {
      type = types.path;
      default = "/run/wrappers/bin";
      internal = true;
      description = ''
        This option defines the path to the wrapper programs. It
        should not be overridden.
      '';
    };

    wrapperChmod = mkOption {
      type = types.functionTo types.str;
      default = chmodArg;
      internal = true;
      readOnly = true;
      description = "The chmod(1) argument a wrapper is given (the tests check the mode it makes).";
    };
  };

  config = {
    system.activationScripts.wrappers = stringAfter [ "specialfs" "users" ] ''
      # The set-id wrappers, made anew in a fresh directory.
      wrapperDir=${escapeShellArg cfg.wrapperDir}
      parent=$(dirname "$wrapperDir")
      mkdir -p "$parent"
      new=$(mktemp -d "$parent/wrappers.XXXXXX")
      chmod a+rx "$new"
      ${concatStrings (mapAttrsToList mkWrapper cfg.wrappers)}
      # The previous set, when there is one (readlink -f of a missing
      # wrapperDir names wrapperDir itself, the link made next).
      old=
      if [ -L "$wrapperDir" ]; then old=$(readlink -f "$wrapperDir" || true); fi
      ln -sfn "$new" "$wrapperDir.tmp"
      mv -T "$wrapperDir.tmp" "$wrapperDir"
      if [ -n "$old" ] && [ "$old" != "$new" ] && [ -d "$old" ]; then rm -rf "$old"; fi
    '';
  };
}
