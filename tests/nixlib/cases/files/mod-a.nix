{ lib, ... }: { l = [ "from-a" ]; }
