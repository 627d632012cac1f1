# Debian's login shells as nixpkgs has them: a package with `shellPath`
# (types.shellPackage), so that `users.users.<name>.shell = pkgs.zsh` and
# users.defaultUserShell (pkgs.bashInteractive) work. The path is the
# program inside the package, as /run/current-system/sw/bin links it.
{ packages }:
let
  shells = {
    bash = "/bin/bash";
    dash = "/bin/dash";
    zsh = "/bin/zsh";
    fish = "/bin/fish";
    ksh = "/bin/ksh";
    mksh = "/bin/mksh";
    tcsh = "/bin/tcsh";
  };
  present = builtins.intersectAttrs packages shells;
in
builtins.mapAttrs (name: path: packages.${name} // { shellPath = path; }) present
