"foo.nix from np1"
