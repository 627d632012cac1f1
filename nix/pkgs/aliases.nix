# NixOS package names that Debian spells differently. A name that is in
# neither fails as any missing attribute does, with the nearest names
# suggested.
self:
let
  # Debian packages joined into one whose bin/ holds their /usr/bin and
  # /usr/sbin programs, as nixpkgs' packages have them (modules run
  # ${openssh}/bin/sshd; a user's shell is /run/current-system/sw/bin/…),
  # plus `links`: extra names for programs, as NAME = TARGET in bin/.
  # Its debianClosure is theirs, so a system's merged /usr (debian.usr)
  # takes the Debian packages themselves, not this join of them.
  joinWithBin = name: paths: links: (self.symlinkJoin {
    inherit name paths;
    postBuild = ''
      rm -f $out/bin
      mkdir $out/bin
      for f in $out/usr/bin/* $out/usr/sbin/*; do
        if [ -e "$f" ]; then ln -s "$f" $out/bin/; fi
      done
    '' + builtins.concatStringsSep "" (builtins.attrValues (builtins.mapAttrs
      (link: target: "ln -s ${target} $out/bin/${link}\n") links));
  }) // {
    debianClosure = self.lib.unique (builtins.concatMap (p: p.debianClosure or [ ]) paths);
  };
in
{
  docker = self."docker.io";
  openssh = joinWithBin "openssh" [ self.openssh-server self.openssh-client ] { };
  # NixOS's requiredPackages (config/system-path.nix) by their nixpkgs names.
  bashInteractive = self.bash;
  getconf = self.libc-bin;
  gnupatch = self.patch;
  libcap = self.libcap2-bin;
  # nixpkgs' netcat is an `nc`; Debian's netcat-openbsd names it nc.openbsd
  # and leaves `nc` to update-alternatives.
  netcat = joinWithBin "netcat" [ self.netcat-openbsd ] { nc = "nc.openbsd"; };
  mkpasswd = self.whois;
  su = self.util-linux;
  which = self.debianutils;
  # passwd, useradd, … and login's nologin: as nixpkgs' shadow, the shell
  # of users.users.<name>.shell's default (a shell package: shellPath).
  shadow = joinWithBin "shadow" [ self.passwd self.login ] { } // { shellPath = "/bin/nologin"; };
  fd = self.fd-find;
  utillinux = self.util-linux;
  bind = self.bind9;
  dig = self.bind9-dnsutils;
  nettools = self.net-tools;
  gnumake = self.make;
  gnugrep = self.grep;
  gnused = self.sed;
  gnutar = self.tar;
  getent = self.libc-bin;

  # NixOS pkgs.audit is auditctl and auditd both: Debian's auditd has them.
  audit = self.auditd;
  networkmanager = self.network-manager;
  # Debian bookworm's Nix is 2.8, the version Bastion implements.
  nix = self.nix-bin;
  pkgconfig = self.pkg-config;
}
