# environment.etc: the files of /etc, as nixpkgs' nixos/modules/system/etc/etc.nix.
# Every entry becomes a symlink into the store in the `etc` link farm
# (system.build.etc, linked as the toplevel's etc/); an entry whose mode is not
# "symlink" also gets .mode/.uid/.gid files, so activation copies it with that
# mode and owner instead of linking it (setup-etc.pl's semantics).
{ config, lib, pkgs, ... }:
with lib;
let
  etc' = filter (f: f.enable) (attrValues config.environment.etc);

  etc = pkgs.runCommand "etc" { preferLocalBuild = true; } ''
    set -eu
    makeEtcEntry() {
      src="$1"; target="$2"; mode="$3"; user="$4"; group="$5"
      case "$target" in
        /*|*..*) echo "environment.etc: bad target '$target'" >&2; exit 1 ;;
      esac
      mkdir -p "$out/etc/$(dirname "$target")"
      if [ -e "$out/etc/$target" ] || [ -L "$out/etc/$target" ]; then
        echo "environment.etc: duplicate target '$target'" >&2; exit 1
      fi
      ln -s "$src" "$out/etc/$target"
      if [ "$mode" != symlink ]; then
        echo "$mode" > "$out/etc/$target.mode"
        echo "$user" > "$out/etc/$target.uid"
        echo "$group" > "$out/etc/$target.gid"
      fi
    }
    mkdir -p "$out/etc"
    ${concatMapStringsSep "\n" (e: escapeShellArgs [ "makeEtcEntry" "${e.source}" e.target e.mode e.user e.group ]) etc'}
  '';

  entry = { name, config, options, ... }: {
    options = {
      enable = mkOption {
        type = types.bool;
        default = true;
        description = "Whether this /etc file should be generated. This option allows specific /etc files to be disabled.";
      };
      target = mkOption {
        type = types.str;
        description = "Name of symlink (relative to {file}`/etc`). Defaults to the attribute name.";
      };
      text = mkOption {
        default = null;
        type = types.nullOr types.lines;
        description = "Text of the file.";
      };
      source = mkOption {
        type = types.path;
        description = "Path of the source file.";
      };
      mode = mkOption {
        type = types.str;
        default = "symlink";
        example = "0600";
        description = ''
          If set to something else than `symlink`,
          the file is copied instead of symlinked, with the given
          file mode.
        '';
      };
      uid = mkOption {
        default = 0;
        type = types.int;
        description = "UID of created file. Only takes effect when the file is copied (that is, the mode is not 'symlink').";
      };
      gid = mkOption {
        default = 0;
        type = types.int;
        description = "GID of created file. Only takes effect when the file is copied (that is, the mode is not 'symlink').";
      };
      user = mkOption {
        default = "+${toString config.uid}";
        type = types.str;
        description = ''
          User name of created file.
          Only takes effect when the file is copied (that is, the mode is not 'symlink').
          Changing this option takes precedence over `uid`.
        '';
      };
      group = mkOption {
        default = "+${toString config.gid}";
        type = types.str;
        description = ''
          Group name of created file.
          Only takes effect when the file is copied (that is, the mode is not 'symlink').
          Changing this option takes precedence over `gid`.
        '';
      };
    };
    config = {
      target = mkDefault name;
      source = mkIf (config.text != null) (
        let name' = "etc-" + baseNameOf name;
        in mkDerivedConfig options.text (pkgs.writeText name'));
    };
  };
in
{
  options.environment.etc = mkOption {
    default = { };
    example = literalExpression ''
      { example-configuration-file =
          { source = "/nix/store/.../etc/dir/file.conf.example";
            mode = "0440";
          };
        "default/useradd".text = "GROUP=100 ...";
      }
    '';
    description = "Set of files that have to be linked in {file}`/etc`.";
    type = types.attrsOf (types.submodule entry);
  };

  config.system.build.etc = etc;
}
