# builtins.path with the wrong sha256.
builtins.path { path = ./src/hello.txt; recursive = false; sha256 = "0000000000000000000000000000000000000000000000000000000000000000"; }
