{ ... }:

{
  security.sudo.execWheelOnly = true;
}
