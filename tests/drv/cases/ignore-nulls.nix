# __ignoreNulls drops null attributes instead of passing them as "".
[
  (derivation { name = "with-nulls"; system = "x86_64-linux"; builder = "/bin/sh"; a = null; b = "x"; })
  (derivation { name = "no-nulls"; system = "x86_64-linux"; builder = "/bin/sh"; __ignoreNulls = true; a = null; b = "x"; })
]
