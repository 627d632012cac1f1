# The `utils` module argument, as nixpkgs' nixos/lib/utils.nix: systemd
# path escaping and the helpers community modules (impermanence) call.
{ lib, config ? null, pkgs ? null }:
with lib;
rec {
  # "/" → "-", and every byte systemd-escape(1) escapes as \xNN.
  escapeSystemdPath = s:
    let
      replacePrefix = p: r: s: (if (hasPrefix p s) then r + (removePrefix p s) else s);
      trim = s: removeSuffix "/" (removePrefix "/" s);
      normalizedPath = strings.normalizePath s;
    in
    replaceStrings [ "/" ] [ "-" ]
      (replacePrefix "." (strings.escapeC [ "." ] ".")
        (strings.escapeC (stringToCharacters " !\"#$%&'()*+,;<=>=@[\\]^`{|}~-")
          (if normalizedPath == "/" then normalizedPath else trim normalizedPath)));

  # Quotes an argument for use in Exec* service lines.
  escapeSystemdExecArg = arg:
    let
      s = if isPath arg then "${arg}"
        else if isString arg then arg
        else if isInt arg || isFloat arg || isDerivation arg then toString arg
        else throw "escapeSystemdExecArg only allows strings, paths, numbers and derivations";
    in
    replaceStrings [ "%" "$" ] [ "%%" "$$" ] (builtins.toJSON s);

  escapeSystemdExecArgs = concatMapStringsSep " " escapeSystemdExecArg;

  # Whether a file system is needed at boot (before stage 2).
  fsNeededForBoot = fs: fs.neededForBoot || elem fs.mountPoint pathsNeededForBoot;
  pathsNeededForBoot = [ "/" "/nix" "/nix/store" "/var" "/var/log" "/var/lib" "/var/lib/nixos" "/etc" "/usr" ];

  # Mount points sorted so that a parent comes before its children.
  fsBefore = a: b:
    let
      normalisePath = path: "${path}${optionalString (!(hasSuffix "/" path)) "/"}";
      normalise = mount: mount // { device = normalisePath (toString mount.device); mountPoint = normalisePath mount.mountPoint; depends = map normalisePath mount.depends; };
      a' = normalise a;
      b' = normalise b;
    in
    hasPrefix a'.mountPoint b'.device || hasPrefix a'.mountPoint b'.mountPoint || any (hasPrefix a'.mountPoint) b'.depends;

  toShellPath = shell:
    if types.shellPackage.check shell then "/run/current-system/sw${shell.shellPath}"
    else if types.package.check shell then throw "${shell} is not a shell package"
    else shell;

  systemdUtils = { };
}
