# flags: -I extra=data/dir -I data/np2
[ <extra/a.nix> (import <extra/a.nix>) <bar.nix> <nx/bar.nix> ]
