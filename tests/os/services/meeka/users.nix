{ ... }:

{
  users.users.root.initialPassword = "hunter2";
  users.users.root.openssh.authorizedKeys.keyFiles = [ ../ssh-keys/silver-hp.pub ];
  users.users.root.openssh.authorizedKeys.keys = [
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICWVNch9BcjkMqS/Xwep+GN4HwqyRIjr3Cuw7mHpqsKr nixos"
  ];
  users.users.xe = {
    isNormalUser = true;
    extraGroups = [ "wheel" ];
  };
}
