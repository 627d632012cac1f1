with builtins;
[
  (parseDrvName "nix-0.12pre12876") (parseDrvName "hello-2.10") (parseDrvName "foo")
  (parseDrvName "xorg-server-1.20.1") (parseDrvName "a-b-c") (parseDrvName "python3.9-foo-1.0") (parseDrvName "")
]
