# Tabs are not indentation for stripping purposes.
[
  ''
  	one
    two
  ''
  ''
		x
		y
  ''
]
