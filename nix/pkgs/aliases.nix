# NixOS package names that Debian spells differently. A name that is in
# neither fails as any missing attribute does, with the nearest names
# suggested.
self: {
  docker = self."docker.io";
  openssh = self.symlinkJoin {
    name = "openssh";
    paths = [ self.openssh-server self.openssh-client ];
    # nixpkgs' openssh has sshd in bin/ (the sshd module runs ${openssh}/bin/sshd);
    # Debian's is in /usr/sbin.
    postBuild = ''
      rm $out/bin
      mkdir $out/bin
      for f in $out/usr/bin/* $out/usr/sbin/*; do ln -s "$f" $out/bin/; done
    '';
  };
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
