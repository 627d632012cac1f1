[
  ''a'''b''
  ''dollar ''$ and ''${"not interpolated"}''
  ''newline''\nhere''
  ''tab''\tcr''\r.''
  ''backslash''\\ plain \n stays''
  ''quote ''\' x''
  ''$${"x"} and $$''
  ''interp ${"yes"} done''
  ''single ' quote''
]
