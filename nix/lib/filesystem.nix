# lib.filesystem: what kind of file a path is.
{ lib }:
let
  b = builtins;
in
rec {
  pathType =
    path:
    if !b.pathExists path then
      abort "lib.filesystem.pathType: Path ${toString path} does not exist."
    else
      b.readFileType path;
  pathIsDirectory = path: b.pathExists path && pathType path == "directory";
  pathIsRegularFile = path: b.pathExists path && pathType path == "regular";
  listFilesRecursive =
    dir:
    lib.flatten (
      lib.mapAttrsToList (
        name: type: if type == "directory" then listFilesRecursive (dir + "/${name}") else dir + "/${name}"
      ) (b.readDir dir)
    );
}
