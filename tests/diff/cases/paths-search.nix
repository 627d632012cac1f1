[
  <nx>
  <nx/bar.nix>
  <foo.nix>
  (import <foo.nix>)
  (import <nx/bar.nix>)
  (builtins.pathExists <nx/sub>)
  (builtins.readFile <nx/sub/baz.txt>)
]
