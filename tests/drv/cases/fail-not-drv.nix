# A list element that is neither a derivation nor a container is an error.
[ 1 ]
