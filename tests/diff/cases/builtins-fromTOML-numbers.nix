builtins.fromTOML ''
  hex = 0xff
  oct = 0o17
  bin = 0b101
  under = 1_000_000
  exp = 5e2
  negexp = -2.5e-1
  plus = +7
''
