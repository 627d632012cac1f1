# What a builder sees of its sandbox: identity, host name, file system,
# devices, /etc, environment, limits. Must be identical under both tools.
derivation {
  name = "probe";
  system = "x86_64-linux";
  builder = "/bin/sh";
  passAsFile = [ "big" ];
  big = "passed as a file";
  args = [ "-c" ''
    {
    id; hostname; pwd; umask
    echo "--- /"; ls -a /
    echo "--- /dev"; ls -a /dev
    echo "--- /etc"; ls -a /etc; cat /etc/passwd /etc/group /etc/hosts
    echo "--- /nix/store"; ls /nix/store | sed 's/^[^-]*-//' | sort
    echo "--- /build"; ls -a /build
    echo "--- env"; env | sort | grep -v '^bigPath=' 
    echo "--- bigPath"; cat $bigPath
    echo "--- net"; cat /proc/net/dev | tail -n +3 | cut -d: -f1 | tr -d ' ' | sort
    echo "--- write /nix/store/x"; (echo x > /nix/store/x && echo ok) 2>&1 | sed 's/.*: //'
    echo "--- host files"; ls /root /home /etc/shadow 2>&1 | sed 's/.*: //'
    } > $out 2>&1
  '' ];
}
