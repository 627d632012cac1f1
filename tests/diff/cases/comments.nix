# a leading comment
/* a block
   comment */ [
  1 # trailing comment
  /* inline */ 2
  /**/ 3
  /* * */ 4
  "# not a comment"
  "/* nor this */"
  ''# or this''
  5 /* a
  multi-line one */
  ## double hash
  6
]
