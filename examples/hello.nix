# The main job of ./setup.sh: `build/bastion eval examples/hello.nix --strict`.
let
  greet = name: "Hello, ${name}!";
  names = [ "Nix" "Bastion" "SREs" ];
  square = x: x * x;
  squares = builtins.map square [ 1 2 3 4 ];
in
{
  greetings = builtins.map greet names;
  inherit squares;
  sumOfSquares = builtins.foldl' (acc: x: acc + x) 0 squares;
  summary = "${greet "world"} (${toString (builtins.length names)} names, largest square ${toString (builtins.elemAt squares 3)})";
  server = {
    hostName = "bastion-01";
    openPorts = builtins.filter (p: p != 23) [ 22 23 443 ];
  };
}
