[
  http://example.org/a/b?c=d&e=f
  https://example.org:8080/x-y_z.tar.gz
  ftp://ftp.example.org/pub/file.tar.gz
  urn:isbn:0451450523
  mailto:someone@example.org
  (builtins.typeOf http://example.org)
]
