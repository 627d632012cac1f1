# Floats print with 6 significant digits, like C++ ostream.
[ (0.1 + 0.2) (1.0 / 3) (2.0 / 3) 2.5e10 (10.0 * 10.0) (1.0e15 + 1) 123456.7 (0.5 * 0.5 * 0.5 * 0.5) (-1.0 / 8) ]
