builtins.fromTOML ''
  title = "TOML example"
  int = 42
  neg = -17
  float = 3.5
  bool = true
  arr = [ 1, 2, 3 ]
  mixed = [ "a", "b" ]
  nested = [ [ 1, 2 ], [ "x" ] ]
  "quoted key" = "v"
  dotted.key = "dk"
  inline = { x = 1, y = "two" }
  literal = 'C:\path'
  multi = """
line1
line2"""

  [table]
  key = "value"

  [table.sub]
  deep = true

  [[points]]
  x = 1

  [[points]]
  x = 2
''
