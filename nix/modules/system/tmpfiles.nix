# systemd.tmpfiles.rules and systemd.tmpfiles.packages (nixpkgs'
# system/boot/systemd/tmpfiles.nix): the rules become
# /etc/tmpfiles.d/00-nixos.conf, a package's lib/tmpfiles.d/*.conf are linked
# into /etc/tmpfiles.d, which systemd-tmpfiles reads at boot.
{ config, lib, pkgs, ... }:
with lib;
let
  cfg = config.systemd.tmpfiles;
in
{
  options.systemd.tmpfiles = {
    rules = mkOption {
      type = types.listOf types.str;
      default = [ ];
      example = [ "d /tmp 1777 root root 10d" ];
      description = ''
        Rules for creation, deletion and cleaning of volatile and temporary files
        automatically. See
        {manpage}`tmpfiles.d(5)`
        for the exact format.
      '';
    };
    packages = mkOption {
      type = types.listOf types.package;
      default = [ ];
      example = literalExpression "[ pkgs.lvm2 ]";
      description = ''
        List of packages containing {command}`systemd-tmpfiles` rules.

        All files ending in .conf found in
        {file}`«pkg»/lib/tmpfiles.d`
        will be included.
        If this folder does not exist or does not contain any files an error will be returned instead.
      '';
    };
  };

  config = {
    environment.etc = {
      "tmpfiles.d/00-nixos.conf" = mkIf (cfg.rules != [ ]) {
        text = ''
          # This file is created automatically and should not be modified.
          # Please change the option ‘systemd.tmpfiles.rules’ instead.

          ${concatStringsSep "\n" cfg.rules}
        '';
      };
    } // listToAttrs (concatMap (pkg:
      let dir = "${pkg}/lib/tmpfiles.d"; in
      map (f: nameValuePair "tmpfiles.d/${f}" { source = "${dir}/${f}"; })
        (filter (hasSuffix ".conf") (attrNames (builtins.readDir dir)))) cfg.packages);
  };
}
