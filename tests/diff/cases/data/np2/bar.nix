"bar.nix from np2"
