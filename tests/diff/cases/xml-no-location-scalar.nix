# flags: --xml --no-location
[ "s" 1 ]
