''
  hello
    indented more
  back
''
