lib: with lib; {
  textClosureList = textClosureList { a = { deps = [ "b" "c" "e" ]; text = "a"; }; b = { deps = [ ]; text = "b"; }; c = { deps = [ "b" ]; text = "c"; }; d = { deps = [ "c" ]; text = "d"; }; e = { deps = [ "c" ]; text = "e"; }; } [ "a" "b" "c" ];
  textClosureMap = textClosureMap (s: "# ${s}") { users = stringAfter [ "etc" ] "mkusers"; etc = noDepEntry "mketc"; specialfs = fullDepEntry "mount" [ ]; } [ "users" "specialfs" "etc" ];
  activation = let scripts = { etc = stringAfter [ "users" "groups" ] "echo etc"; users = stringAfter [ "specialfs" ] "echo users"; groups = stringAfter [ "users" ] "echo groups"; specialfs = noDepEntry "echo fs"; persist = { deps = [ "specialfs" ]; text = "echo persist"; }; }; in textClosureMap id scripts (attrNames scripts);
  missingDep = textClosureMap id { a = stringAfter [ "nope" ] "a"; } [ "a" ];
  skip_filesystem_needs_readFileType_which_Nix_2_8_lacks = [ (pathIsDirectory ./files) (pathIsRegularFile ./files/data.json) (pathIsDirectory ./files/data.json) (pathType ./files) ];
  builtinsAliases = [ (baseNameOf "/a/b") (dirOf "/a/b") (compareVersions "1.2" "1.10") (splitVersion "1.2.3") (parseDrvName "hello-2.1").version ];
}
