# inside a list, "1 -1" is not two elements
[ 1 -1 ]
