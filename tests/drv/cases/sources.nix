# Imported sources: path interpolation, builtins.path (name, filter,
# recursive, sha256), filterSource, toFile with references.
let
  file = builtins.toFile "greeting.txt" "hello\n";
  script = builtins.toFile "script.sh" "cat ${file} ${./src/hello.txt}";
  filtered = builtins.filterSource (p: t: baseNameOf p != "skip.log") ./src;
  named = builtins.path { path = ./src; name = "renamed-src"; };
  onlyDirs = builtins.path { path = ./src; filter = p: t: t == "directory" || baseNameOf p == "n.txt"; };
  flat = builtins.path { path = ./src/hello.txt; recursive = false; };
  pinned = builtins.path { path = ./src/hello.txt; name = "pinned"; recursive = false; sha256 = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"; };
in
derivation {
  name = "sources";
  system = "x86_64-linux";
  builder = "/bin/sh";
  args = [ script ];
  inherit filtered named onlyDirs flat pinned;
  whole = ./src;
  exe = ./src/run.sh;
  link = "${./src}/link";
}
