''
  indented ''${x}
    more ${toString 1} '''
  ''\n tail $
''