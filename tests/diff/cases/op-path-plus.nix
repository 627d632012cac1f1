[ (./data + "/hello.txt") (./. + "/data") (builtins.typeOf (./data + "")) (/foo + "/bar") (/foo + "bar") ]
