# The trivial builders over a busybox (tests/debian/trivial_test.py makes
# BB: a directory whose bin/ holds busybox and its applet links).
{ bb }:
let
  lib = import <bastion/lib>;
  tools = builtins.path { path = bb; name = "busybox"; };
  t = import <bastion/pkgs/trivial-builders.nix> {
    inherit lib;
    system = builtins.currentSystem;
    shell = "${tools}/bin/sh";
    path = "${tools}/bin";
  };
  file = name: text: t.writeTextDir name text;
  withPriority = p: drv: drv // { meta = drv.meta // { priority = p; }; };
in
rec {
  text = t.writeText "hello.txt" "hello\nworld";
  dest = t.writeTextFile {
    name = "dest";
    text = "#!/bin/sh\n";
    executable = true;
    destination = "/libexec/tool";
    checkPhase = "grep -q '^#!' \"$target\"";
  };
  badCheck = t.writeTextFile { name = "bad-check"; text = "x"; checkPhase = "false"; };
  script = t.writeScript "script" "#!${t.runtimeShell}\necho script";
  scriptBin = t.writeScriptBin "sbin" "#!${t.runtimeShell}\necho sbin";
  shellScript = t.writeShellScript "sh-script" "echo \"args: $*\"";
  shellBin = t.writeShellScriptBin "hello" "echo hello from $0";
  badShell = t.writeShellScript "bad-shell" "if then fi (";
  cmd = t.runCommand "cmd" { nativeBuildInputs = [ shellBin ]; greeting = "hi there"; }
    "hello > $out; echo \"$greeting\" >> $out";
  local = t.runCommandLocal "local" { } "echo local > $out";
  failing = t.runCommand "failing" { } "false; echo not reached > $out";

  a = t.symlinkJoin { name = "a"; paths = [ (file "share/x" "a-x") (file "share/only-a" "a") ]; };
  join = t.symlinkJoin {
    name = "join";
    paths = [ (file "share/x" "first") (file "share/x" "second") shellBin a ];
    postBuild = "echo post > $out/post";
  };

  env1 = t.buildEnv { name = "env1"; paths = [ shellBin ]; };
  env2 = t.buildEnv { name = "env2"; paths = [ shellBin (file "bin/other" "o") (file "share/doc" "d") ]; };
  collide = t.buildEnv { name = "collide"; paths = [ (file "bin/x" "one") (file "bin/x" "two") ]; };
  ignored = t.buildEnv {
    name = "ignored";
    paths = [ (file "bin/x" "one") (file "bin/x" "two") ];
    ignoreCollisions = true;
  };
  sameContents = t.buildEnv {
    name = "same-contents";
    paths = [ (file "bin/x" "eq") (t.writeTextFile { name = "other"; text = "eq"; destination = "/bin/x"; }) ];
  };
  priority = t.buildEnv {
    name = "priority";
    paths = [ (file "bin/x" "five") (withPriority 1 (file "bin/x" "one")) ];
  };
  onlyBin = t.buildEnv {
    name = "only-bin";
    paths = [ shellBin (file "share/doc" "d") ];
    pathsToLink = [ "/bin" ];
    postBuild = "echo post > $out/post";
  };

  farmList = t.linkFarm "farm-list" [
    { name = "a/b"; path = text; }
    { name = "c"; path = shellBin; }
    { name = "c"; path = script; }
  ];
  farmAttrs = t.linkFarm "farm-attrs" { "x/y" = text; };

  relativeDest = t.writeTextFile { name = "rel"; text = ""; destination = "bin/x"; };
}
