{ config, ... }: { l = [ "from-b" ]; s = "b${toString config.i}"; }
